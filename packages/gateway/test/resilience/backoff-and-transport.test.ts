/**
 * Retry paths no other test process runs: `Retry-After` as an HTTP-date (RFC 9110 §10.2.3), a 429 without
 * `Retry-After`, a client that goes away while the gateway waits to retry, and a transport timeout while
 * reading an upstream body (→ retryable 504). Real gateway process, raw `fetch`, scripted fake upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

const script = new FaultScript();
let upstream: FakeUpstream;
let gateway: GatewayProcess;

const error = (status: number, message: string) => ({
  status,
  json: { error: { message, type: 'server_error', param: null, code: null } },
});

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  const model = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    deployments: [{ provider: 'fake', model: id }],
    max_retries: 1,
    ...extra,
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: {
      fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false },
      // `timeout` sets the transport's own (undici) headers and body timeouts; the model below lifts the
      // total limit the same setting would impose, so the transport's timeout is the one that fires.
      slow: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false, timeout: '400ms' },
    },
    models: [
      model('date-past', { retry_after_cap: '5s' }),
      model('date-far', { retry_after_cap: '5s' }),
      model('no-retry-after', { cooldown: '30s' }),
      model('abort-in-backoff', { retry_after_cap: '10s', cooldown: 0 }),
      {
        id: 'body-timeout',
        deployments: [{ provider: 'slow', model: 'body-timeout' }],
        max_retries: 1,
        timeouts: { total: '20s' },
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

async function chat(model: string, signal?: AbortSignal) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    ...(signal ? { signal } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are free-form JSON; the assertions check each field read
  return { res, body: (await res.json()) as Record<string, any> };
}

describe('Retry-After and backoff', () => {
  it('a Retry-After HTTP-date in the past means retry now', async () => {
    script.set('date-past', { ...error(503, 'busy'), retryAfter: new Date(Date.now() - 60_000) }, OK);
    const { res, body } = await chat('date-past');
    expect(res.status).toBe(200);
    expect(body.choices[0].message.content).toBe('Hello');
    expect(res.headers.get('x-switchyard-attempts')).toBe('2');
    const [first, second] = script.arrivalsOf('date-past');
    // Backoff alone (50–100 ms for a first retry), not the cap.
    expect(second! - first!).toBeLessThan(1_000);
  });

  it('a Retry-After HTTP-date beyond retry_after_cap is not waited for, and is relayed in seconds', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    script.set('date-far', { ...error(503, 'maintenance'), retryAfter: at });
    const { res, body } = await chat('date-far');
    expect(res.status).toBe(503);
    expect(body.error.message).toBe('maintenance');
    expect(script.arrivalsOf('date-far')).toHaveLength(1);
    const seconds = Number(res.headers.get('retry-after'));
    // The date has whole-second precision; the gateway rounds the remaining time up.
    expect(seconds).toBeLessThanOrEqual(121);
    expect(seconds).toBeGreaterThanOrEqual(119);
  });

  it('a 429 without Retry-After cools the deployment for its cooldown and is not retried on it', async () => {
    script.set('no-retry-after', error(429, 'slow down'), OK);
    const { res, body } = await chat('no-retry-after');
    expect(res.status).toBe(429);
    expect(body.error.message).toBe('slow down');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(script.arrivalsOf('no-retry-after')).toHaveLength(1);
    const health = (await (await fetch(`${gateway.url}/health/providers`)).json()) as {
      providers: { id: string; deployments: { model: string; state: string; cooldown_reason: string }[] }[];
    };
    const deployment = health.providers
      .find((p) => p.id === 'fake')!
      .deployments.find((d) => d.model === 'no-retry-after')!;
    expect([deployment.state, deployment.cooldown_reason]).toEqual(['cooling', 'rate limited (429)']);
    const again = await chat('no-retry-after');
    expect(again.res.status).toBe(429);
    expect(again.body.error.code).toBe('deployments_rate_limited');
    expect(script.arrivalsOf('no-retry-after')).toHaveLength(1);
  });

  it('a client that disconnects during the retry backoff cancels the retry', async () => {
    script.set('abort-in-backoff', { ...error(503, 'busy'), retryAfter: 2 }, OK);
    const controller = new AbortController();
    const pending = chat('abort-in-backoff', controller.signal).catch((err: Error) => err);
    await until(() => script.arrivalsOf('abort-in-backoff').length === 1, 'the first attempt');
    controller.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
    // Past the 2 s Retry-After the gateway would have retried; it must not have.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(script.arrivalsOf('abort-in-backoff')).toHaveLength(1);
    script.set('abort-in-backoff', OK);
    expect((await chat('abort-in-backoff')).res.status).toBe(200);
  });
});

describe('transport timeouts', () => {
  it("an upstream body that stalls past the provider's timeout is a retried 504", async () => {
    const stalled = {
      text: '{"id":"x",\n"object":"chat.completion",\n"choices":[]}',
      headers: { 'content-type': 'application/json' },
      stallAfterLines: 1,
    };
    script.set('body-timeout', stalled);
    const { res, body } = await chat('body-timeout');
    expect(res.status).toBe(504);
    expect(body.error.code).toBe('upstream_timeout');
    expect(body.error.message).toBe("upstream provider 'slow' timed out (UND_ERR_BODY_TIMEOUT)");
    expect(res.headers.get('x-switchyard-attempts')).toBe('2');
    expect(script.arrivalsOf('body-timeout')).toHaveLength(2);
  });
});
