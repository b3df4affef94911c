/**
 * A llama-server still loading its model answers 503 "Loading model" (`unavailable_error`) on every route but
 * the model listings. Through a real gateway process: the 503 is retried and, when loading outlasts the
 * retries, reaches the client in the OpenAI envelope with llama.cpp's message; once loaded, the same request
 * succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlamaCpp, LLAMACPP_MODEL, startFakeLlamaCpp } from './support/fake-llamacpp.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

let upstream: FakeLlamaCpp;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeLlamaCpp({ loading: true });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { llama: { type: 'llamacpp', base_url: `${upstream.url}/v1` } },
    models: [
      {
        id: 'embed',
        max_retries: 2,
        cooldown: 0,
        deployments: [{ provider: 'llama', model: LLAMACPP_MODEL }],
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function embed() {
  const res = await fetch(`${gateway.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'embed', input: 'once upon a time' }),
  });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

describe('llama-server loading its model', () => {
  it('answers 503 "Loading model" after retrying, then serves once loaded', async () => {
    const before = upstream.requests.filter((r) => r.path === '/v1/embeddings').length;
    const loading = await embed();
    expect(loading.res.status).toBe(503);
    expect(loading.body).toEqual({
      error: { message: 'Loading model (unavailable_error)', type: 'server_error', param: null, code: 503 },
    });
    expect(loading.res.headers.get('x-switchyard-attempts')).toBe('3');
    expect(upstream.requests.filter((r) => r.path === '/v1/embeddings').length - before).toBe(3);
    upstream.finishLoading();
    const ready = await embed();
    expect(ready.res.status).toBe(200);
    expect((ready.body.usage as { prompt_tokens: number }).prompt_tokens).toBe(6);
  });
});
