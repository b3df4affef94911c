/**
 * The client object itself: every failure is a rejected promise, a closed client refuses without retrying, the SDK's
 * `fetch` / `defaultQuery` / `logLevel` options reach the transport, and `withOptions` derives a client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../gateway/test/support/fake-upstream.js';
import { ClientClosedError, OpenAICompatibleClient, OpenAIError } from '../src/index.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': {
      json: { object: 'list', data: [{ id: 'm', object: 'model', created: 0, owned_by: 'x' }] },
    },
    'POST /v1/embeddings': {
      json: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 0] }], model: 'm' },
    },
  });
});
beforeEach(() => {
  upstream.requests.length = 0;
});
afterAll(() => upstream.close());

describe('failures are rejected promises', () => {
  it('a missing model rejects (so .catch sees it) and sends nothing', async () => {
    const client = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'vllm' });
    const call = client.embeddings.create({ input: 'x' } as never);
    expect(call).toBeInstanceOf(Promise);
    const caught = await call.catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(OpenAIError);
    expect((caught as Error).message).toContain('model is required');
    await expect(client.chat.completions.create({ messages: [] } as never).withResponse()).rejects.toThrow(
      'model is required',
    );
    expect(upstream.requests).toHaveLength(0);
    await client.close();
  });
});

describe('close()', () => {
  it('later calls reject with ClientClosedError at once, without a request or a retry', async () => {
    const client = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'vllm', maxRetries: 5 });
    await client.models.list();
    await client.close();
    await expect(client.models.list()).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.embeddings.create({ model: 'm', input: 'x' })).rejects.toThrow('client closed');
    await expect(client.openai.models.list()).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.tokenizer.encode({ prompt: 'x' })).rejects.toBeInstanceOf(ClientClosedError);
    expect(upstream.requests).toHaveLength(1);
    await client.close();
  });
});

describe('SDK options', () => {
  it('uses the given fetch, sends defaultQuery, accepts logLevel', async () => {
    const seen: string[] = [];
    const client = new OpenAICompatibleClient({
      baseURL: upstream.url,
      platform: 'switchyard',
      defaultQuery: { tenant: 'search' },
      logLevel: 'off',
      fetch: (input, init) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    await client.models.list();
    await client.close();
    expect(seen).toEqual([`${upstream.url}/v1/models?tenant=search`]);
    expect(upstream.requests[0]!.query.get('tenant')).toBe('search');
  });

  it('withOptions derives a client with the overrides and its own pool', async () => {
    const base = new OpenAICompatibleClient({ baseURL: upstream.url, platform: 'vllm', model: 'm' });
    const keyed = base.withOptions({ apiKey: 'k2', defaultHeaders: { 'x-team': 'a' } });
    expect(keyed.platform).toBe('vllm');
    expect(keyed.config).toMatchObject({ model: 'm', apiKey: 'k2', baseURL: upstream.url });
    await keyed.embeddings.create({ input: 'x' });
    expect(upstream.requests[0]!.headers).toMatchObject({ authorization: 'Bearer k2', 'x-team': 'a' });
    await base.close();
    await keyed.models.list();
    await keyed.close();
    expect(upstream.requests).toHaveLength(2);
  });
});
