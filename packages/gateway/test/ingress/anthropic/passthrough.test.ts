/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process → `/v1/messages` → an
 * `anthropic` provider → a fake Anthropic API replaying test/fixtures/anthropic/ (hand-written from
 * Anthropic's reference, see its SOURCES.md). The client's body is forwarded as is with the deployment's
 * model, its `anthropic-beta` header and query string kept, and the upstream's bytes come back unchanged:
 * no translation to the canonical format and back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  FIXTURES_DIR,
  type RecordedRequest,
  startFakeUpstream,
} from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

/** Upstream model name → the fake's answer. */
function messagesRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  switch (body.model) {
    case 'claude-rate-limited':
      return { status: 429, headers: { 'retry-after': '0' }, fixture: 'anthropic/error-rate-limit.json' };
    case 'claude-fixture':
      return {
        fixture: `anthropic/${body.metadata.user_id}`,
        byteByByte: true,
        headers: { 'content-type': 'text/event-stream' },
      };
    case 'claude-mid-stream-error':
      return { fixture: 'anthropic/error-mid-stream.sse', headers: { 'content-type': 'text/event-stream' } };
    default:
      return body.stream
        ? {
            fixture: 'anthropic/text.sse',
            byteByByte: true,
            headers: { 'content-type': 'text/event-stream' },
          }
        : { fixture: 'anthropic/text.json' };
  }
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: Anthropic;

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'POST /v1/messages': messagesRoute });
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: { claude: { type: 'anthropic', base_url: upstream.url, api_key: 'sk-ant-upstream' } },
    models: [
      { id: 'sonnet', deployments: [{ provider: 'claude', model: 'claude-sonnet-4-5' }] },
      { id: 'limited', max_retries: 0, deployments: [{ provider: 'claude', model: 'claude-rate-limited' }] },
      { id: 'fixture', deployments: [{ provider: 'claude', model: 'claude-fixture' }] },
      { id: 'broken', deployments: [{ provider: 'claude', model: 'claude-mid-stream-error' }] },
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, 'anthropic', name), 'utf8');

describe('passthrough to an anthropic provider', () => {
  it("forwards the client's body with the deployment's model and returns the upstream's Message as is", async () => {
    const params = {
      model: 'sonnet',
      max_tokens: 4096,
      system: [{ type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } }],
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
      metadata: { user_id: '{"session":"s-1"}' },
      messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }],
    };
    const message = await client.messages.create(params, {
      headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
    });
    expect(message).toEqual(JSON.parse(fixture('text.json')));
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.json).toEqual({ ...params, model: 'claude-sonnet-4-5' });
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
  });

  it("pipes the upstream's event stream back byte for byte, query string kept", async () => {
    const res = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'sonnet',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await res.text()).toBe(fixture('text.sse'));
    expect(upstream.requests.at(-1)!.url).toBe('/v1/messages?beta=true');
  });

  // Every recorded stream but the error ones, with the stop reason it ends with.
  const streams: [string, string][] = [
    ['text.sse', 'end_turn'],
    ['parallel-tools.sse', 'tool_use'],
    ['tool-empty-args.sse', 'tool_use'],
    ['thinking.sse', 'end_turn'],
    ['usage-cache.sse', 'max_tokens'],
    ['max-tokens.sse', 'max_tokens'],
  ];
  it.each(streams)('pipes %s back byte for byte; the SDK reads it to stop_reason %s', async (name, stop) => {
    // The fake upstream picks the fixture by metadata.user_id, which reaches it unchanged.
    const body = {
      model: 'fixture',
      max_tokens: 100,
      metadata: { user_id: name },
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    expect(await res.text()).toBe(fixture(name));
    const final = await client.messages.stream(body).finalMessage();
    expect(final.stop_reason).toBe(stop);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams through the SDK to the final message and usage', async () => {
    const stream = client.messages.stream({
      model: 'sonnet',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.content[0]!.type).toBe('text');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it("answers an upstream 429 in Anthropic's envelope with its own error type", async () => {
    const err = await client.messages
      .create({ model: 'limited', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as Any).error.type).toBe('error');
    expect((err as Any).error.error.type).toBe('rate_limit_error');
  });

  it("keeps the upstream's event: error mid-stream, which the SDK raises", async () => {
    const stream = client.messages.stream({
      model: 'broken',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(texts.join('')).toBe('It is');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain('Overloaded');
  });
});
