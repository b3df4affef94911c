/**
 * Claude Code's own request (test/fixtures/claude-code/turn-stream.json, recorded from `claude -p` 2.1.332,
 * see its README.md) replayed byte for byte against a real `switchyard serve` process: its URL with
 * `?beta=true`, its headers (`anthropic-beta` list, `accept-encoding` with zstd) and its 48 KB body (system
 * text blocks with `cache_control`, 12 tools with full JSON Schemas, adaptive thinking, context_management,
 * output_config, `max_tokens: 32000`). Through an OpenAI-compatible upstream (the fake replaying
 * test/fixtures/anthropic-ingress/) it must come back as a well-formed Messages stream with the tools'
 * schemas unchanged upstream; through an `anthropic` provider it must reach the upstream as the same bytes;
 * on the embedded engine its `max_tokens: 32000` is lowered to what the context leaves after the prompt and
 * the answer streams; on a 2,048-token model, which the prompt itself cannot fit, it gets a clean 400.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, FIXTURES_DIR, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded bodies are read freely
type Any = any;

const recorded = JSON.parse(readFileSync(join(FIXTURES_DIR, 'claude-code', 'turn-stream.json'), 'utf8')) as {
  url: string;
  headers: Record<string, string>;
  body: Any;
};

/** Context of the `roomy` embedded model, tokens: the recorded prompt (about 4,400 tokens) and some room. */
const ROOMY_CONTEXT = 5120;

let openaiUpstream: FakeUpstream;
let anthropicUpstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  openaiUpstream = await startFakeUpstream({
    'POST /v1/chat/completions': { fixture: 'anthropic-ingress/openai-text.sse', byteByByte: true },
  });
  anthropicUpstream = await startFakeUpstream({
    'POST /v1/messages': { fixture: 'anthropic/text.sse', headers: { 'content-type': 'text/event-stream' } },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: {
      up: { type: 'vllm', base_url: `${openaiUpstream.url}/v1`, discover: false },
      claude: { type: 'anthropic', base_url: anthropicUpstream.url, api_key: 'sk-ant-upstream' },
      local: { type: 'embedded', models_dir: MODELS_DIR },
      roomy: {
        type: 'embedded',
        models: [{ id: 'roomy', path: `${MODELS_DIR}/llama-2-tiny-random.gguf` }],
        context_size: ROOMY_CONTEXT,
      },
    },
    models: [
      { id: 'via-openai', deployments: [{ provider: 'up', model: 'text' }] },
      { id: 'via-anthropic', deployments: [{ provider: 'claude', model: 'via-anthropic' }] },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
});

/** The recorded request, with `model` set to `model`, sent as Claude Code sent it. */
function replay(model: string): Promise<Response> {
  return fetch(`${gateway.url}${recorded.url}`, {
    method: 'POST',
    headers: recorded.headers,
    body: JSON.stringify({ ...recorded.body, model }),
  });
}

/** The `event:` names and parsed `data:` of an event stream. */
function parseEvents(text: string): { event: string; data: Any }[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: (.+)$/m.exec(frame)![1]!;
      const data = JSON.parse(/^data: (.+)$/m.exec(frame)![1]!);
      return { event, data };
    });
}

describe("Claude Code's recorded turn", () => {
  it('is answered as a well-formed Messages stream through an OpenAI-compatible upstream', async () => {
    const res = await replay('via-openai');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseEvents(await res.text());
    const names = events.map((e) => e.event).filter((e) => e !== 'ping');
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => e.data.delta.text)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    const delta = events.find((e) => e.event === 'message_delta')!.data;
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it('reaches the OpenAI-compatible upstream with every tool schema unchanged and the system text kept', async () => {
    await (await replay('via-openai')).text();
    const sent = openaiUpstream.requests.at(-1)!.json as Any;
    expect(sent.stream).toBe(true);
    expect(sent.max_tokens).toBe(32_000);
    expect(sent.tools).toHaveLength(recorded.body.tools.length);
    sent.tools.forEach((tool: Any, i: number) => {
      expect(tool.function.name).toBe(recorded.body.tools[i].name);
      expect(tool.function.parameters).toEqual(recorded.body.tools[i].input_schema);
    });
    const system = sent.messages[0];
    expect(system.role).toBe('system');
    const systemText = JSON.stringify(system.content);
    for (const block of recorded.body.system)
      expect(systemText).toContain(JSON.stringify(block.text).slice(1, 40));
    for (const field of ['context_management', 'output_config', 'metadata', 'cache_control']) {
      expect(JSON.stringify(sent)).not.toContain(`"${field}"`);
    }
  });

  it("reaches an anthropic provider as Claude Code's own bytes, query string and beta flags kept", async () => {
    const body = JSON.stringify({ ...recorded.body, model: 'via-anthropic' });
    const res = await fetch(`${gateway.url}${recorded.url}`, {
      method: 'POST',
      headers: recorded.headers,
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(join(FIXTURES_DIR, 'anthropic', 'text.sse'), 'utf8'));
    const sent = anthropicUpstream.requests.at(-1)!;
    expect(sent.url).toBe('/v1/messages?beta=true');
    expect(sent.body.toString('utf8')).toBe(body);
    expect(sent.headers['anthropic-beta']).toBe(recorded.headers['anthropic-beta']);
    expect(sent.headers['x-api-key']).toBe('sk-ant-upstream');
  });

  it("streams an answer from the embedded engine, max_tokens 32000 clamped to the context's room", async () => {
    const res = await replay('roomy');
    expect(res.status).toBe(200);
    const events = parseEvents(await res.text());
    expect(events[0]!.event).toBe('message_start');
    expect(events.slice(-2).map((e) => e.event)).toEqual(['message_delta', 'message_stop']);
    const inputTokens = events[0]!.data.message.usage.input_tokens as number;
    expect(inputTokens).toBeGreaterThan(1000);
    const delta = events.find((e) => e.event === 'message_delta')!.data;
    expect(delta.delta.stop_reason).toBe('max_tokens');
    expect(delta.usage.output_tokens).toBe(ROOMY_CONTEXT - inputTokens);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => e.data.delta.text ?? '')
      .join('');
    expect(text.length).toBeGreaterThan(0);
  });

  it("gets a 400 in Anthropic's shape on the embedded 2,048-token model, which the prompt cannot fit", async () => {
    const res = await replay('stories260K-qwen2.5-chat-template');
    expect(res.status).toBe(400);
    const body = (await res.json()) as Any;
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/context length/);
  });
});
