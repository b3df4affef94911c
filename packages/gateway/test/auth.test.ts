import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';
import { rawExchange } from './support/raw-http.js';

const KEY = 'sk-gateway-key-7f3a';
const PROVIDER_KEY = 'sk-provider-key-91bc';
let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'm', object: 'model' }] } },
    'POST /v1/chat/completions': { status: 500, json: { error: { message: 'upstream broke' } } },
  });
  gateway = await startGatewayProcess(
    {
      server: { api_keys: ['${GW_KEY}', 'second-key'], log_level: 'debug' },
      providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1`, api_key: PROVIDER_KEY } },
    },
    { GW_KEY: KEY },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('API keys', () => {
  it('answers 401 in the OpenAI envelope without a key or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { 'x-api-key': 'wrong' }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(`${gateway.url}/v1/models`, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { type: string; code: string } };
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(sdk.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('accepts Bearer and x-api-key, with any configured key (env-interpolated)', async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
    expect((await sdk.models.list()).data.map((m) => m.id)).toEqual(['m']);
    const viaHeader = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': 'second-key' } });
    expect(viaHeader.status).toBe(200);
  });

  it('leaves /health open and protects /health/providers', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/health/providers`)).status).toBe(401);
  });

  it('never shows keys in logs or errors', async () => {
    const sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const err = await sdk.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(JSON.stringify((err as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(PROVIDER_KEY);
    expect(gateway.output()).not.toContain(KEY);
    expect(gateway.output()).not.toContain(PROVIDER_KEY);
    expect(gateway.output()).toContain('API keys required (2 configured');
  });

  it('answers an unauthenticated 5 MB body with a readable 401, not a reset', async () => {
    const size = 5 * 1024 * 1024;
    for (const connection of ['close', 'keep-alive']) {
      const res = await rawExchange(
        gateway.url,
        [
          `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: ${connection}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
          Buffer.alloc(size, 0x61),
        ],
        { untilResponse: true, timeoutMs: 10_000 },
      );
      expect(res.error).toBeUndefined();
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'invalid_api_key' } });
    }
  });
});
