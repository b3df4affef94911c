/** Configuration: the zod schema, `fromEnv()`, base URL handling per platform, and authentication headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../gateway/test/support/fake-upstream.js';
import {
  ClientConfigError,
  ClientConfigSchema,
  configFromEnv,
  OpenAICompatibleClient,
} from '../src/index.js';
import { startFakeOllama } from './support/fake-ollama.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [] } },
    'GET /api/tags': { json: { models: [] } },
  });
});
afterAll(() => upstream.close());

describe('ClientConfigSchema', () => {
  it('applies defaults and rejects invalid values', () => {
    expect(ClientConfigSchema.parse({ platform: 'ollama' })).toEqual({
      platform: 'ollama',
      unsupportedParams: 'error',
    });
    const invalid = [
      { platform: 'tgi' },
      { platform: 'vllm', baseURL: 'not a url' },
      { platform: 'vllm', baseURL: 'ftp://host/v1' },
      { platform: 'vllm', timeout: -1 },
      { platform: 'vllm', vllm: { chatTemplat: 'x' } },
      { platform: 'vllm', logLevel: 'loud' },
      { platform: 'vllm', fetch: 'curl' },
    ];
    for (const config of invalid) expect(ClientConfigSchema.safeParse(config).success).toBe(false);
    expect(() => new OpenAICompatibleClient({ platform: 'vllm', maxRetries: 1.5 })).toThrow(
      ClientConfigError,
    );
  });

  it('requires a baseURL for switchyard only', () => {
    expect(() => new OpenAICompatibleClient({ platform: 'switchyard' })).toThrow('baseURL is required');
    expect(new OpenAICompatibleClient({ platform: 'vllm' }).openai.baseURL).toBe('http://localhost:8000/v1');
    expect(new OpenAICompatibleClient({ platform: 'ollama' }).openai.baseURL).toBe(
      'http://localhost:11434/v1',
    );
  });
});

describe('fromEnv', () => {
  it('reads SWITCHYARD_* with OPENAI_* and OLLAMA_HOST fallbacks', () => {
    expect(
      configFromEnv({
        SWITCHYARD_PLATFORM: 'ollama',
        OLLAMA_HOST: '127.0.0.1:11500',
        SWITCHYARD_MODEL: 'llama3.2',
        SWITCHYARD_TIMEOUT_MS: '5000',
        SWITCHYARD_MAX_RETRIES: '0',
        SWITCHYARD_UNSUPPORTED_PARAMS: 'drop',
      }),
    ).toEqual({
      platform: 'ollama',
      baseURL: 'http://127.0.0.1:11500',
      model: 'llama3.2',
      timeout: 5000,
      maxRetries: 0,
      unsupportedParams: 'drop',
    });
    expect(configFromEnv({ OPENAI_API_KEY: 'sk-1' })).toEqual({
      platform: 'openai',
      apiKey: 'sk-1',
      unsupportedParams: 'error',
    });
    expect(configFromEnv({ SWITCHYARD_PLATFORM: 'vllm', VLLM_API_KEY: 'v' }).apiKey).toBe('v');
    expect(() => configFromEnv({ SWITCHYARD_TIMEOUT_MS: 'soon' })).toThrow(ClientConfigError);
  });

  it('chooses the platform from the base-URL variable that is set', () => {
    expect(configFromEnv({ SWITCHYARD_BASE_URL: 'http://127.0.0.1:19501' })).toMatchObject({
      platform: 'switchyard',
      baseURL: 'http://127.0.0.1:19501',
    });
    expect(configFromEnv({ VLLM_BASE_URL: 'http://gpu:8000/v1', OPENAI_API_KEY: 'k' })).toMatchObject({
      platform: 'vllm',
      baseURL: 'http://gpu:8000/v1',
    });
    expect(configFromEnv({ OLLAMA_HOST: '127.0.0.1:11434' })).toMatchObject({
      platform: 'ollama',
      baseURL: 'http://127.0.0.1:11434',
    });
    expect(configFromEnv({ OPENAI_BASE_URL: 'https://api.example.com/v1' }).platform).toBe('openai');
    expect(
      configFromEnv({ SWITCHYARD_BASE_URL: 'http://127.0.0.1:19501', OPENAI_BASE_URL: 'https://x/v1' })
        .platform,
    ).toBe('switchyard');
    expect(
      configFromEnv({ SWITCHYARD_PLATFORM: 'vllm', SWITCHYARD_BASE_URL: 'http://127.0.0.1:19501' }).platform,
    ).toBe('vllm');
  });

  it('builds a working client', async () => {
    const client = OpenAICompatibleClient.fromEnv({
      SWITCHYARD_PLATFORM: 'switchyard',
      SWITCHYARD_BASE_URL: upstream.url,
      SWITCHYARD_API_KEY: 'sy-key',
    });
    await client.models.list();
    await client.close();
    expect(upstream.requests.at(-1)).toMatchObject({
      url: '/v1/models',
      headers: { authorization: 'Bearer sy-key' },
    });
  });
});

it('sends defaultHeaders, and no Authorization without an apiKey', async () => {
  const client = new OpenAICompatibleClient({
    baseURL: `${upstream.url}/v1/`,
    platform: 'ollama',
    defaultHeaders: { 'x-team': 'search' },
  });
  await client.models.list();
  await client.close();
  const request = upstream.requests.at(-1)!;
  expect(request.url).toBe('/api/tags');
  expect(request.headers['x-team']).toBe('search');
  expect(request.headers.authorization).toBeUndefined();
});

describe('client.openai', () => {
  it('is a plain SDK client on the OpenAI base URL with the same credentials and headers', async () => {
    const keyed = new OpenAICompatibleClient({
      baseURL: upstream.url,
      apiKey: 'k1',
      platform: 'vllm',
      defaultHeaders: { 'x-a': '1' },
    });
    await keyed.openai.models.list();
    expect(upstream.requests.at(-1)).toMatchObject({
      url: '/v1/models',
      headers: { authorization: 'Bearer k1', 'x-a': '1' },
    });
    const anonymous = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'ollama' });
    await anonymous.openai.models.list();
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
    await Promise.all([keyed.close(), anonymous.close()]);
  });

  it("shares the client's connection pool", async () => {
    const fake = await startFakeOllama();
    const client = new OpenAICompatibleClient({ baseURL: fake.url, platform: 'ollama', maxConnections: 1 });
    await client.version();
    await client.openai.get(`${fake.url}/api/version`);
    await client.close();
    await fake.close();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.remotePort).toBe(fake.requests[1]!.remotePort);
  });
});
