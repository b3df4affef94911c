/**
 * Codex CLI's real request (test/fixtures/codex/exec-request.json, recorded from `codex exec` 0.169.0; see its
 * SOURCES.md for why it is replayed rather than run live) sent to a real gateway process as Codex sends it:
 * translated for a chat-only upstream (the recording fake upstream answering with the hand-written
 * `openai/chat-text.sse`), and served by the embedded engine on a model with a context large enough for its
 * roughly 10k tokens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, FIXTURES_DIR, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded bodies are read freely
type Any = any;

const CODEX_REQUEST = JSON.parse(readFileSync(join(FIXTURES_DIR, 'codex/exec-request.json'), 'utf8')) as Any;
const CODEX_HEADERS = {
  'content-type': 'application/json',
  accept: 'text/event-stream',
  originator: 'codex_exec',
  authorization: 'Bearer sk-any',
};

let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'POST /v1/chat/completions': { fixture: 'openai/chat-text.sse' } });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      up: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false },
      engine: {
        type: 'embedded',
        models: [{ id: 'llama-2-tiny-random', path: join(MODELS_DIR, 'llama-2-tiny-random.gguf') }],
        context_size: 16384,
        parallel: 1,
      },
    },
    models: [
      { id: 'codex-model', deployments: [{ provider: 'up', model: 'upstream-model' }] },
      { id: 'codex-engine', deployments: [{ provider: 'engine', model: 'llama-2-tiny-random' }] },
    ],
    store: { url: 'sqlite::memory:' },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

/** Posts a body as Codex does and reads the event stream. */
async function replay(body: Any): Promise<{ status: number; headers: Headers; events: Any[] }> {
  const res = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: CODEX_HEADERS,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const events = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: '))
    .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
  return { status: res.status, headers: res.headers, events };
}

describe("Codex CLI's recorded request", () => {
  it('is translated for a chat-only upstream: web_search left out and named, the namespace flattened, a full stream', async () => {
    const { status, headers, events } = await replay(CODEX_REQUEST);
    expect(status).toBe(200);
    expect(headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.at(-1).response.output[0].content[0].text).toBe('Hello');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_: unknown, i: number) => i));

    const sent = upstream.requests.at(-1)!.json as Any;
    expect(sent.messages.map((m: Any) => m.role)).toEqual(['developer', 'developer', 'user', 'user']);
    const names = sent.tools.map((t: Any) => t.function.name);
    expect(names).toContain('exec_command');
    expect(names).toContain('multi_agent_v1__spawn_agent');
    expect(names).toHaveLength(CODEX_REQUEST.tools.length - 2 + 5);
    expect(sent.tool_choice).toBe('auto');
    expect(sent.parallel_tool_calls).toBe(true);
    expect(sent.prompt_cache_key).toBe(CODEX_REQUEST.prompt_cache_key);
    expect(sent).not.toHaveProperty('store');
    expect(sent).not.toHaveProperty('include');
    expect(sent.stream_options).toEqual({ include_usage: true });
  });

  it('is served by the embedded engine (with max_output_tokens added, as the random-weights model never stops)', async () => {
    const { status, events } = await replay({
      ...CODEX_REQUEST,
      model: 'codex-engine',
      max_output_tokens: 8,
    });
    expect(status).toBe(200);
    const last = events.at(-1);
    expect(last.type).toBe('response.incomplete');
    expect(last.response.usage.input_tokens).toBeGreaterThan(4_000);
    expect(last.response.usage.output_tokens).toBe(8);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_: unknown, i: number) => i));
  });
});
