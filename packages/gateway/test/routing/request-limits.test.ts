/**
 * Requests over the gateway's bounds are refused before they reach an upstream: `n` over `server.max_n`,
 * embeddings batches over `server.max_embedding_inputs`, and a completion budget beyond the model's context
 * (400 `context_length_exceeded` stating both numbers, as vLLM words it) on the OpenAI routes; on `/v1/messages`
 * such a budget is lowered to the context length minus the prompt's estimate (routing/completion-budget.ts).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': {
      json: { object: 'list', data: [{ id: 'small', object: 'model', max_model_len: 2048 }] },
    },
    'POST /v1/chat/completions': { fixture: 'openai/chat-text.json' },
    'POST /v1/embeddings': { json: { object: 'list', data: [], model: 'small' } },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'error', max_n: 4, max_embedding_inputs: 10 },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1` } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'k', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

async function refusal(call: Promise<unknown>) {
  const err = await call.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return err as InstanceType<typeof OpenAI.BadRequestError>;
}

describe('request limits', () => {
  it('refuses a completion budget beyond the context with context_length_exceeded and both numbers', async () => {
    for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
      const before = upstream.requests.length;
      const err = await refusal(
        client.chat.completions.create({ model: 'small', messages, [field]: 4294967296 }),
      );
      expect(err.code).toBe('context_length_exceeded');
      expect(err.param).toBe(field);
      expect(err.message).toContain('maximum context length is 2048 tokens');
      expect(err.message).toContain('4294967296');
      expect(upstream.requests.length).toBe(before);
    }
  });

  it('passes a budget within the context through', async () => {
    const res = await client.chat.completions.create({ model: 'small', messages, max_tokens: 2000 });
    expect(res.choices).toHaveLength(1);
  });

  it('lowers a /v1/messages max_tokens beyond the context to the context length minus the prompt estimate', async () => {
    const body = { model: 'small', max_tokens: 32_000, messages: [{ role: 'user', content: 'hi' }] };
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe('message');
    const sent = upstream.requests.at(-1)!.json as { max_tokens: number; messages: unknown };
    const estimate = Math.ceil((JSON.stringify(sent.messages).length + 2) / 4);
    expect(sent.max_tokens).toBe(2048 - estimate);
  });

  it('passes a /v1/messages max_tokens within the context through unchanged', async () => {
    const body = { model: 'small', max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }] };
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect((upstream.requests.at(-1)!.json as { max_tokens: number }).max_tokens).toBe(2000);
  });

  it('refuses n and best_of over server.max_n, naming the setting', async () => {
    const err = await refusal(client.chat.completions.create({ model: 'small', messages, n: 128 }));
    expect(err.param).toBe('n');
    expect(err.message).toContain('server.max_n');
    const best = await refusal(client.completions.create({ model: 'small', prompt: 'x', best_of: 5 }));
    expect(best.param).toBe('best_of');
    expect((await client.chat.completions.create({ model: 'small', messages, n: 4 })).choices).toHaveLength(
      1,
    );
  });

  it('refuses embeddings batches over server.max_embedding_inputs', async () => {
    const err = await refusal(
      client.embeddings.create({ model: 'small', input: Array.from({ length: 11 }, () => 'x') }),
    );
    expect(err.param).toBe('input');
    expect(err.message).toContain('server.max_embedding_inputs');
    await client.embeddings.create({ model: 'small', input: Array.from({ length: 10 }, () => 'x') });
  });
});
