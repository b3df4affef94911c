/**
 * End to end: the unmodified `openai` SDK → a real `switchyard serve` process → `/v1/chat/completions` → an
 * `anthropic` provider whose `base_url` has no `/v1` (the Anthropic SDK's own convention) → a fake Anthropic
 * API (test/fixtures/anthropic/, hand-written from Anthropic's reference). A request without `max_tokens`
 * gets the maximum output of the model's Claude family (providers/anthropic/max-output-tokens.ts), which
 * `default_max_tokens` overrides; the health check and the requests reach the same `/v1` routes.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeMaxOutputTokens } from '../../src/providers/anthropic/max-output-tokens.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/messages': { fixture: 'anthropic/text.json' },
    'GET /v1/models': {
      json: { data: [], has_more: false, first_id: null, last_id: null },
    },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: {
      bare: { type: 'anthropic', base_url: upstream.url, api_key: 'sk-ant-test' },
      slash: { type: 'anthropic', base_url: `${upstream.url}/v1/`, api_key: 'sk-ant-test' },
      capped: {
        type: 'anthropic',
        base_url: upstream.url,
        api_key: 'sk-ant-test',
        default_max_tokens: 2048,
      },
    },
    models: [
      { id: 'sonnet', deployments: [{ provider: 'bare', model: 'claude-sonnet-4-5-20250929' }] },
      { id: 'opus-41', deployments: [{ provider: 'slash', model: 'claude-opus-4-1' }] },
      { id: 'haiku-35', deployments: [{ provider: 'bare', model: 'claude-3-5-haiku-latest' }] },
      { id: 'unknown', deployments: [{ provider: 'bare', model: 'my-finetune' }] },
      { id: 'capped', deployments: [{ provider: 'capped', model: 'claude-sonnet-4-5' }] },
      {
        id: 'model-capped',
        default_max_tokens: 100,
        deployments: [{ provider: 'capped', model: 'claude-sonnet-4-5' }],
      },
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function sentMaxTokens(model: string, extra: Record<string, unknown> = {}): Promise<number> {
  const before = upstream.requests.length;
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    ...extra,
  });
  expect(completion.choices[0]!.message.content).toBe('It is 14°C in Oslo.');
  const sent = upstream.requests.slice(before).filter((r) => r.method === 'POST');
  expect(sent).toHaveLength(1);
  expect(sent[0]!.path).toBe('/v1/messages');
  return (sent[0]!.json as Any).max_tokens;
}

describe('max_tokens on /v1/chat/completions to an anthropic provider', () => {
  it("sends the model family's maximum output when the client sends none", async () => {
    expect(await sentMaxTokens('sonnet')).toBe(64_000);
    expect(await sentMaxTokens('opus-41')).toBe(32_000);
    expect(await sentMaxTokens('haiku-35')).toBe(8_192);
  });

  it("keeps the client's max_tokens or max_completion_tokens", async () => {
    expect(await sentMaxTokens('sonnet', { max_tokens: 12 })).toBe(12);
    expect(await sentMaxTokens('sonnet', { max_completion_tokens: 34 })).toBe(34);
  });

  it("lets the provider's and then the model's default_max_tokens override the table", async () => {
    expect(await sentMaxTokens('capped')).toBe(2048);
    expect(await sentMaxTokens('model-capped')).toBe(100);
  });

  it('answers 400 naming max_tokens for a model of no known family, without calling upstream', async () => {
    const before = upstream.requests.length;
    const err = await client.chat.completions
      .create({ model: 'unknown', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Any).param).toBe('max_tokens');
    expect((err as Any).message).toContain('default_max_tokens');
    expect(upstream.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('base_url with or without /v1', () => {
  it('probes /v1/models for the health check whichever form is configured', async () => {
    const res = await fetch(`${gateway.url}/health/providers`);
    const { providers } = (await res.json()) as Any;
    for (const id of ['bare', 'slash', 'capped']) {
      expect(providers.find((p: Any) => p.id === id).reachable).toBe(true);
    }
    const probes = upstream.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes)).toEqual(new Set(['/v1/models']));
  });
});

describe('the table', () => {
  it('matches the longest family prefix, dated ids and aliases alike, and nothing else', () => {
    expect(claudeMaxOutputTokens('claude-opus-4-1-20250805')).toBe(32_000);
    expect(claudeMaxOutputTokens('claude-opus-4-5-20251101')).toBe(64_000);
    expect(claudeMaxOutputTokens('claude-opus-4-20250514')).toBe(32_000);
    expect(claudeMaxOutputTokens('claude-3-haiku-20240307')).toBe(4_096);
    expect(claudeMaxOutputTokens('claude-3-7-sonnet-latest')).toBe(64_000);
    expect(claudeMaxOutputTokens('claude-opus-40')).toBeUndefined();
    expect(claudeMaxOutputTokens('gpt-4o')).toBeUndefined();
  });
});
