/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process →
 * `POST /v1/messages/count_tokens` and `GET /v1/models` in Anthropic's shape. Counts come from the embedded
 * engine's tokenizer (checked against the gateway's own `/tokenize` on the same model), from an `anthropic`
 * provider's count endpoint (a fake Anthropic upstream, which records what it was sent), and from the
 * documented four-characters-per-token estimate on an Ollama upstream (a fake, it has no tokenizer route).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const QWEN = 'stories260K-qwen2.5-chat-template';
const KEY = 'sk-count-tokens-test';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

let anthropicUpstream: FakeUpstream;
let ollamaUpstream: FakeUpstream;
let gateway: GatewayProcess;
let client: Anthropic;

beforeAll(async () => {
  anthropicUpstream = await startFakeUpstream({
    'POST /v1/messages/count_tokens': { json: { input_tokens: 4321 } },
  });
  ollamaUpstream = await startFakeUpstream({ 'GET /api/tags': { fixture: 'ollama/tags.json' } });
  gateway = await startGatewayProcess({
    server: { api_keys: [KEY], log_level: 'warn' },
    providers: {
      local: { type: 'embedded', models_dir: MODELS_DIR },
      claude: { type: 'anthropic', base_url: `${anthropicUpstream.url}/v1`, api_key: 'upstream-key' },
      ollama: { type: 'ollama', base_url: ollamaUpstream.url, discover: false },
    },
    models: [
      { id: 'claude-alias', deployments: [{ provider: 'claude', model: 'claude-sonnet-4-5' }] },
      { id: 'ollama-chat', deployments: [{ provider: 'ollama', model: 'llama3.2' }] },
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await anthropicUpstream?.close();
  await ollamaUpstream?.close();
});

/** The gateway's vLLM-style `/tokenize` count of the same chat, on the same embedded model. */
async function tokenizeCount(messages: unknown[]): Promise<number> {
  const res = await fetch(`${gateway.url}/tokenize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: QWEN, messages }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { count: number }).count;
}

describe('messages.countTokens', () => {
  it("answers the embedded tokenizer's count of the rendered chat", async () => {
    const { input_tokens } = await client.messages.countTokens({
      model: QWEN,
      system: 'You tell stories.',
      messages: [{ role: 'user', content: 'Tell me a story about a cat.' }],
    });
    const expected = await tokenizeCount([
      { role: 'system', content: 'You tell stories.' },
      { role: 'user', content: 'Tell me a story about a cat.' },
    ]);
    expect(input_tokens).toBe(expected);
    const longer = await client.messages.countTokens({
      model: QWEN,
      system: 'You tell stories.',
      messages: [{ role: 'user', content: 'Tell me a long story about a cat and a dog in the park.' }],
    });
    expect(longer.input_tokens).toBeGreaterThan(input_tokens);
  });

  it('accepts a Bearer token as well as x-api-key', async () => {
    const bearer = new Anthropic({ baseURL: gateway.url, authToken: KEY, apiKey: null, maxRetries: 0 });
    const { input_tokens } = await bearer.messages.countTokens({
      model: QWEN,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(input_tokens).toBeGreaterThan(0);
  });

  it("forwards the client's body to an anthropic provider's count endpoint, model replaced", async () => {
    const { input_tokens } = await client.messages.countTokens(
      {
        model: 'claude-alias',
        tools: [WEATHER],
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      },
      { headers: { 'anthropic-beta': 'token-counting-2024-11-01' } },
    );
    expect(input_tokens).toBe(4321);
    const sent = anthropicUpstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages/count_tokens');
    expect(sent.headers['x-api-key']).toBe('upstream-key');
    expect(sent.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
    expect(sent.json).toEqual({
      model: 'claude-sonnet-4-5',
      tools: [WEATHER],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
  });

  it('answers the documented estimate (4 characters a token, rounded up) where no tokenizer is reachable', async () => {
    const system = 'Be brief.';
    const text = 'What is the weather in Oslo today?';
    const { input_tokens } = await client.messages.countTokens({
      model: 'ollama-chat',
      system,
      tools: [WEATHER],
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    });
    const characters = system.length + text.length + JSON.stringify([WEATHER]).length;
    expect(input_tokens).toBe(Math.ceil(characters / 4));
    const inference = ollamaUpstream.requests.filter(
      (r) => r.path === '/api/chat' || r.path === '/api/generate',
    );
    expect(inference).toHaveLength(0);
  });

  it('refuses a body without messages with a 400 in Anthropic shape', async () => {
    const err = await client.messages
      .countTokens({ model: QWEN } as unknown as Anthropic.MessageCountTokensParams)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Any).error.type).toBe('error');
    expect((err as Any).error.error.type).toBe('invalid_request_error');
  });

  it('refuses a wrong key with a 401 authentication_error', async () => {
    const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await wrong.messages
      .countTokens({ model: QWEN, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as Any).error.error.type).toBe('authentication_error');
  });
});

describe('models.list and models.retrieve', () => {
  it("lists every served model in Anthropic's shape", async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([QWEN, 'claude-alias', 'ollama-chat']));
    for (const model of page.data) {
      expect(model.type).toBe('model');
      expect(model.display_name).toBe(model.id);
      expect(new Date(model.created_at).toISOString()).toBe(model.created_at);
    }
    expect(page.has_more).toBe(false);
    expect(page.first_id).toBe(ids[0]);
    expect(page.last_id).toBe(ids.at(-1));
  });

  it('pages with limit and after_id, and the SDK walks every page', async () => {
    const all = (await client.models.list()).data.map((m) => m.id);
    expect(all.length).toBeGreaterThan(2);
    const first = await client.models.list({ limit: 2 });
    expect(first.data.map((m) => m.id)).toEqual(all.slice(0, 2));
    expect(first.has_more).toBe(true);
    const second = await client.models.list({ limit: 2, after_id: first.last_id! });
    expect(second.data.map((m) => m.id)).toEqual(all.slice(2, 4));
    const walked: string[] = [];
    for await (const model of client.models.list({ limit: 1 })) walked.push(model.id);
    expect(walked).toEqual(all);
    const before = await client.models.list({ limit: 1, before_id: all[2]! });
    expect(before.data.map((m) => m.id)).toEqual([all[1]]);
    expect(before.has_more).toBe(true);
  });

  it('retrieves one model, and answers an unknown one with a 404 not_found_error', async () => {
    const model = await client.models.retrieve('claude-alias');
    expect(model).toEqual({
      type: 'model',
      id: 'claude-alias',
      display_name: 'claude-alias',
      created_at: expect.any(String),
    });
    const err = await client.models.retrieve('no-such-model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as Any).error.error.type).toBe('not_found_error');
  });

  it('refuses a limit out of range with a 400 invalid_request_error', async () => {
    const err = await client.models.list({ limit: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Any).error.error.type).toBe('invalid_request_error');
  });

  it("keeps OpenAI's shape and envelope for requests without anthropic-version", async () => {
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': KEY } });
    const body = (await res.json()) as Any;
    expect(body.object).toBe('list');
    expect(body.data[0].object).toBe('model');
    const denied = await fetch(`${gateway.url}/v1/models`);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as Any).error.message).toMatch(/API key/);
    const anthropicDenied = await fetch(`${gateway.url}/v1/models`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(anthropicDenied.status).toBe(401);
    expect(((await anthropicDenied.json()) as Any).error.type).toBe('authentication_error');
  });
});
