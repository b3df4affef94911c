import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';
import { type RefusingServer, startRefusingServer } from './support/refusing-server.js';

let upstream: FakeUpstream;
let dead: RefusingServer;
let gateway: GatewayProcess;
let client: OpenAI;

const nullOr = (type: string) => expect.toSatisfy((v: unknown) => v === null || typeof v === type);
const envelopeShape = {
  error: {
    message: expect.any(String),
    type: expect.any(String),
    param: nullOr('string'),
    code: nullOr('string'),
  },
};

async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(gateway.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { error: Record<string, unknown> },
  };
}

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'up-model', object: 'model' }] } },
    'POST /v1/chat/completions': (req) => {
      const content = (req.json as { messages: { content: string }[] }).messages[0]!.content;
      if (content === 'hang') return { hang: true };
      if (content === 'vllm-flat-error') {
        return {
          status: 400,
          json: {
            object: 'error',
            message: "This model's maximum context length is 2048 tokens",
            type: 'BadRequestError',
            param: null,
            code: 400,
          },
        };
      }
      if (content === 'rate-limited') {
        return {
          status: 429,
          headers: { 'retry-after': '7' },
          json: { error: { message: 'slow down', type: 'rate_limit_error' } },
        };
      }
      return { json: { id: 'ok', object: 'chat.completion', choices: [] } };
    },
  });
  dead = await startRefusingServer();
  gateway = await startGatewayProcess({
    server: { body_limit: '4kb' },
    providers: {
      up: { type: 'vllm', base_url: `${upstream.url}/v1`, timeout: '1s' },
      dead: { type: 'vllm', base_url: `${dead.url}/v1` },
    },
    models: [{ id: 'dead-model', deployments: [{ provider: 'dead', model: 'x' }] }],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'k', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await dead?.close();
});

const chat = (content: string, extra: object = {}) => ({
  model: 'up-model',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('errors in the OpenAI envelope', () => {
  it('malformed JSON → 400', async () => {
    const res = await post('/v1/chat/completions', '{"model": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(envelopeShape);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('missing and invalid fields → 400 naming the param', async () => {
    const missing = await post('/v1/chat/completions', { model: 'up-model' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ param: 'messages', type: 'invalid_request_error' });
    const negative = await post('/v1/chat/completions', chat('x', { max_tokens: -5 }));
    expect(negative.body.error.param).toBe('max_tokens');
    const role = await post('/v1/chat/completions', {
      model: 'up-model',
      messages: [{ role: 'wizard', content: 'x' }],
    });
    expect(role.body.error.param).toBe('messages[0].role');
    const input = await post('/v1/embeddings', { model: 'up-model' });
    expect(input.body.error.param).toBe('input');
  });

  it('surfaces as the SDK error classes', async () => {
    await expect(
      client.chat.completions.create(chat('x', { max_tokens: -1 }) as never),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const notFound = await client.chat.completions
      .create({ ...chat('x'), model: 'nope' } as never)
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound.message).toContain('up-model');
    expect(notFound.message).toContain('dead-model');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('body over the configured limit → 413', async () => {
    const res = await post('/v1/chat/completions', chat('x'.repeat(8000)));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject(envelopeShape);
  });

  it('wrong method → 405 with Allow; unknown route → 404', async () => {
    const wrong = await fetch(`${gateway.url}/v1/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toMatchObject(envelopeShape);
    const wrongModels = await fetch(`${gateway.url}/v1/models/some/model`, { method: 'DELETE' });
    expect(wrongModels.status).toBe(405);
    const unknown = await fetch(`${gateway.url}/v2/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject(envelopeShape);
  });

  it('upstream unreachable → 502; upstream timeout → 504', async () => {
    const unreachable = await post('/v1/chat/completions', { ...chat('x'), model: 'dead-model' });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.code).toBe('upstream_connection_error');
    const timeout = await post('/v1/chat/completions', chat('hang'));
    expect(timeout.status).toBe(504);
    expect(timeout.body.error.code).toBe('upstream_timeout');
  });

  it('keeps upstream statuses and normalizes their bodies (vLLM flat errors too)', async () => {
    const flat = await post('/v1/chat/completions', chat('vllm-flat-error'));
    expect(flat.status).toBe(400);
    expect(flat.body.error).toEqual({
      message: "This model's maximum context length is 2048 tokens (BadRequestError)",
      type: 'invalid_request_error',
      param: null,
      code: 400,
    });
    const limited = await post('/v1/chat/completions', chat('rate-limited'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.error.message).toBe('slow down');
  });

  it('stays up after all of the above', async () => {
    const res = await fetch(`${gateway.url}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(gateway.output()).not.toMatch(/at .*\.js:\d+/);
  });
});
