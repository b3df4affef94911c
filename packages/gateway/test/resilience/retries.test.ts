/**
 * Retry rules end to end: a real gateway process, the official `openai` SDK (its own retries off) and a
 * fault-injecting fake upstream scripted per upstream model name.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

const script = new FaultScript();
let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

const messages = [{ role: 'user' as const, content: 'hi' }];
const status = (code: number, message = `fake ${code}`, headers: Record<string, string> = {}) => ({
  status: code,
  headers,
  json: { error: { message, type: 'server_error', param: null, code: null } },
});
const model = (id: string, deployments: string[], extra: Record<string, unknown> = {}) => ({
  id,
  deployments: deployments.map((m) => ({ provider: 'fake', model: m })),
  failure_threshold: 10,
  ...extra,
});

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      model('flaky', ['flaky'], { max_retries: 5 }),
      model('client-error', ['client-error']),
      model('reset', ['reset']),
      model('truncated', ['truncated']),
      model('rate-limited', ['rate-limited'], { retry_after_cap: '5s' }),
      model('long-retry-after', ['long-ra-1', 'long-ra-2'], { retry_after_cap: '2s' }),
      model('dead', ['dead'], { max_retries: 1 }),
      model('primary', ['p1', 'p2'], { max_retries: 1, fallbacks: ['missing', 'backup'] }),
      model('backup', ['backup']),
      model('no-retries', ['nr-1', 'nr-2'], { max_retries: 0, strategy: 'round-robin' }),
      model('bad-sse', ['bad-sse']),
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function chat(modelId: string) {
  return client.chat.completions.create({ model: modelId, messages }).withResponse();
}

async function chatError(modelId: string, stream = false): Promise<APIError> {
  try {
    if (stream) {
      for await (const _ of await client.chat.completions.create({ model: modelId, messages, stream: true }));
    } else await client.chat.completions.create({ model: modelId, messages });
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('retries before the first byte', () => {
  it('retries 500, 502, 503, 504 and 408 on the same deployment until it answers', async () => {
    script.set('flaky', status(500), status(502), status(503), status(504), status(408), OK);
    const { data, response } = await chat('flaky');
    expect(data.choices[0]?.message.content).toBe('Hello');
    expect(response.headers.get('x-switchyard-attempts')).toBe('6');
    expect(script.arrivalsOf('flaky')).toHaveLength(6);
  });

  it('backs off exponentially between retries', async () => {
    script.set('flaky', status(503), status(503), status(503), OK);
    await chat('flaky');
    const t = script.arrivalsOf('flaky');
    const gaps = [t[1]! - t[0]!, t[2]! - t[1]!, t[3]! - t[2]!];
    // Backoff steps are 100, 200, 400 ms, each at least half its step (jitter takes at most half).
    expect(gaps[0]).toBeGreaterThanOrEqual(49);
    expect(gaps[1]).toBeGreaterThanOrEqual(99);
    expect(gaps[2]).toBeGreaterThanOrEqual(199);
  });

  it('does not retry a client error and passes it through', async () => {
    script.set('client-error', status(400, 'messages[0] is invalid'));
    const err = await chatError('client-error');
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ message: 'messages[0] is invalid' });
    expect(script.arrivalsOf('client-error')).toHaveLength(1);
  });

  it('retries a connection reset before headers', async () => {
    script.set('reset', { reset: true }, OK);
    const { response } = await chat('reset');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });

  it('retries a body truncated mid-JSON (connection closed)', async () => {
    script.set('truncated', { fixture: 'openai/chat-text.json', truncateAfterBytes: 30 }, OK);
    const { data, response } = await chat('truncated');
    expect(data.id).toBe('chatcmpl-1');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });

  it("waits for a 429's Retry-After when it is within retry_after_cap", async () => {
    script.set('rate-limited', status(429, 'slow down', { 'retry-after': '1' }), OK);
    const { response } = await chat('rate-limited');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const [first, second] = script.arrivalsOf('rate-limited');
    expect(second! - first!).toBeGreaterThanOrEqual(990);
  });

  it('moves to the next deployment at once when Retry-After exceeds the cap, and keeps it cooling', async () => {
    script.set('long-ra-1', status(429, 'quota', { 'retry-after': '60' }));
    script.set('long-ra-2', OK);
    const { response } = await chat('long-retry-after');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(script.arrivalsOf('long-ra-1')).toHaveLength(1);
    const again = await chat('long-retry-after');
    expect(again.response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(script.arrivalsOf('long-ra-1')).toHaveLength(1);
    expect(script.arrivalsOf('long-ra-2')).toHaveLength(2);
  });

  it('answers with the last upstream error once retries are exhausted', async () => {
    script.set('dead', status(503, 'engine overloaded'));
    const err = await chatError('dead');
    expect(err.status).toBe(503);
    expect(err.error).toMatchObject({ message: 'engine overloaded' });
    expect(err.headers?.get('x-switchyard-attempts')).toBe('2');
    expect(script.arrivalsOf('dead')).toHaveLength(2);
  });

  it('tries the other deployments, then the fallbacks (skipping unknown ids)', async () => {
    script.set('p1', status(500));
    script.set('p2', status(502));
    script.set('backup', OK);
    const { data, response } = await chat('primary');
    expect(data.choices[0]?.message.content).toBe('Hello');
    expect(response.headers.get('x-switchyard-attempts')).toBe('5');
    expect(script.arrivalsOf('p1')).toHaveLength(2);
    expect(script.arrivalsOf('p2')).toHaveLength(2);
    expect(script.arrivalsOf('backup')).toHaveLength(1);
    const sent = upstream.requests.at(-1)!.json as { model: string };
    expect(sent.model).toBe('backup');
  });

  it('with max_retries 0 goes straight to the next deployment', async () => {
    script.set('nr-1', status(503));
    script.set('nr-2', OK);
    const { response } = await chat('no-retries');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(script.arrivalsOf('nr-1')).toHaveLength(1);
  });

  it('answers 502 without retrying when an event stream is not SSE', async () => {
    script.set('bad-sse', {
      text: '<html>proxy error</html>',
      headers: { 'content-type': 'text/event-stream' },
    });
    const err = await chatError('bad-sse', true);
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_protocol_error');
    expect(script.arrivalsOf('bad-sse')).toHaveLength(1);
  });
});
