/**
 * Transcripts recorded from a real llama.cpp `llama-server` (fixtures/llama-server/SOURCES.md) replayed
 * through a gateway process: passthrough keeps the recorded bytes, the Anthropic ingress translates the same
 * stream, the upstream's 400 reaches the client in the OpenAI envelope, and the fake llama-server that the
 * other llama.cpp tests use (support/fake-llamacpp.ts) tokenizes exactly as the real server did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaCpp } from '../../support/fake-llamacpp.js';
import { type FakeUpstream, FIXTURES_DIR, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

const KEY = 'sk-gateway-test';
const recorded = (file: string) => readFileSync(join(FIXTURES_DIR, 'llama-server', file), 'utf8');
const recordedJson = (file: string) => JSON.parse(recorded(file));

/** The text and last finish_reason of a recorded OpenAI SSE stream. */
function streamContent(sse: string): { text: string; finish: string | null } {
  let text = '';
  let finish: string | null = null;
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as {
      choices: { delta: { content?: string | null }; finish_reason: string | null }[];
    };
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { text, finish };
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
const chat = { model: 'stories', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 12 };

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': { fixture: 'llama-server/chat-stream-usage.sse', byteByByte: true },
  });
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'warn' },
    providers: { llama: { type: 'llamacpp', base_url: `${upstream.url}/v1`, discover: false } },
    models: [{ id: 'stories', deployments: [{ provider: 'llama' }] }],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const post = (path: string, body: unknown) =>
  fetch(gateway.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('recorded llama-server transcripts through the gateway', () => {
  it('passes a recorded stream through byte for byte, usage chunk and [DONE] included', async () => {
    upstream.route('POST /v1/chat/completions', {
      fixture: 'llama-server/chat-stream-usage.sse',
      byteByByte: true,
    });
    const res = await post('/v1/chat/completions', {
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(recorded('chat-stream-usage.sse'));
  });

  it('passes a recorded JSON answer through unchanged, llama.cpp timings included', async () => {
    upstream.route('POST /v1/chat/completions', { fixture: 'llama-server/chat.json' });
    const res = await post('/v1/chat/completions', chat);
    expect(await res.json()).toEqual(recordedJson('chat.json'));
  });

  it('translates the recorded streams for the Anthropic SDK: same text, stop reasons, output tokens', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
    upstream.route('POST /v1/chat/completions', {
      fixture: 'llama-server/chat-stream-usage.sse',
      byteByByte: true,
    });
    const cut = await client.messages
      .stream({ model: 'stories', max_tokens: 12, messages: [{ role: 'user', content: 'Once upon a time' }] })
      .finalMessage();
    const usageRun = streamContent(recorded('chat-stream-usage.sse'));
    expect(usageRun.finish).toBe('length');
    expect(cut.content).toEqual([{ type: 'text', text: usageRun.text }]);
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage.output_tokens).toBe(12);

    upstream.route('POST /v1/chat/completions', { fixture: 'llama-server/chat-stream-stop.sse' });
    const stopped = await client.messages
      .stream({ model: 'stories', max_tokens: 64, messages: [{ role: 'user', content: 'Once upon a time' }] })
      .finalMessage();
    const stopRun = streamContent(recorded('chat-stream-stop.sse'));
    expect(stopRun.finish).toBe('stop');
    expect((stopped.content[0] as { text: string }).text).toBe(stopRun.text);
    expect(stopped.stop_reason).toBe('end_turn');
  });

  it("relays the recorded 400 in the OpenAI envelope with llama-server's message", async () => {
    upstream.route('POST /v1/chat/completions', {
      status: 400,
      fixture: 'llama-server/error-bad-messages.json',
    });
    const res = await post('/v1/chat/completions', chat);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      message: "Expected 'messages' to be an array",
      type: 'invalid_request_error',
    });
  });
});

describe('the fake llama-server against the recordings', () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeLlamaCpp();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const ask = async (path: string, body: unknown) =>
    (await fetch(fake.url + path, { method: 'POST', body: JSON.stringify(body) })).json();

  it('tokenizes and detokenizes as the real server did', async () => {
    expect(
      await ask('/tokenize', { content: 'once upon a time', add_special: true, with_pieces: true }),
    ).toEqual(recordedJson('tokenize-special-pieces.json'));
    expect(await ask('/tokenize', { content: 'naïve', add_special: false, with_pieces: true })).toEqual(
      recordedJson('tokenize-byte-pieces.json'),
    );
    expect(await ask('/tokenize', { content: 'once', add_special: false })).toEqual(
      recordedJson('tokenize-plain.json'),
    );
    expect(await ask('/detokenize', { tokens: [1, 353, 331, 407, 261, 378] })).toEqual(
      recordedJson('detokenize.json'),
    );
  });
});
