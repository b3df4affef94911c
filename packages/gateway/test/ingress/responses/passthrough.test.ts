/**
 * End to end: a provider flagged `native_responses` (an OpenAI-compatible upstream that implements the Responses
 * API, here the recording fake upstream answering with the hand-written `openai/responses-text.json`) receives
 * the client's `/v1/responses` body byte for byte, and its answer reaches the unmodified `openai` SDK untouched.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, FIXTURES_DIR, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/responses': { fixture: 'openai/responses-text.json' },
    'POST /v1/chat/completions': { fixture: 'openai/chat-text.json' },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      native: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false, native_responses: true },
      chat: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false },
    },
    models: [
      { id: 'native-model', deployments: [{ provider: 'native' }] },
      { id: 'chat-model', deployments: [{ provider: 'chat' }] },
    ],
    store: { url: 'sqlite::memory:' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('native Responses passthrough', () => {
  it('sends the client’s body untouched, hosted tools included, and returns the upstream’s response as is', async () => {
    const params = {
      model: 'native-model',
      input: [{ role: 'user' as const, content: 'Hello' }],
      tools: [{ type: 'web_search' as const }],
      include: ['reasoning.encrypted_content' as const],
      store: false,
    };
    const { data, response } = await client.responses.create(params).withResponse();
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body.toString('utf8')).toBe(JSON.stringify(params));
    expect(response.headers.get('x-switchyard-dropped-tools')).toBeNull();
    const fixture = JSON.parse(readFileSync(join(FIXTURES_DIR, 'openai/responses-text.json'), 'utf8'));
    expect({ ...data, output_text: undefined }).toEqual({ ...fixture, output_text: undefined });
    expect(data.output_text).toBe('Hello from upstream.');
  });

  it('translates for a provider without the flag', async () => {
    const before = upstream.requests.length;
    const response = await client.responses.create({ model: 'chat-model', input: 'Hello', store: false });
    expect(upstream.requests.slice(before).map((r) => r.path)).toEqual(['/v1/chat/completions']);
    expect(response.id).toMatch(/^resp_/);
  });
});
