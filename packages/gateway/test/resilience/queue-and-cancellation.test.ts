/**
 * `max_concurrency` with its bounded queue, and cancellation: a client that goes away (streaming, waiting
 * for headers, or queued) releases everything upstream. Real gateway process; fetch for raw control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK, OK_STREAM } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

const script = new FaultScript();
let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
  const limited = (id: string, deployment: Record<string, unknown>) => ({
    id,
    deployments: [{ provider: 'fake', model: id, max_concurrency: 1, ...deployment }],
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      limited('full', { queue_size: 1 }),
      limited('queue-timeout', { queue_size: 5, queue_timeout: '300ms' }),
      limited('queued-then-served', { queue_size: 5 }),
      limited('cancel-queued', { queue_size: 5 }),
      { id: 'cancel-stream', deployments: [{ provider: 'fake', model: 'cancel-stream' }] },
      { id: 'cancel-waiting', deployments: [{ provider: 'fake', model: 'cancel-waiting' }] },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function post(model: string, signal?: AbortSignal, stream = false): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream }),
    ...(signal ? { signal } : {}),
  });
}

interface DeploymentHealth {
  model: string;
  in_flight: number;
  queued: number;
}

async function deployment(model: string): Promise<DeploymentHealth> {
  const res = await fetch(`${gateway.url}/health/providers`);
  const body = (await res.json()) as { providers: { deployments: DeploymentHealth[] }[] };
  return body.providers[0]!.deployments.find((d) => d.model === model)!;
}

describe('max_concurrency and its queue', () => {
  it('answers 429 with Retry-After when the queue is full', async () => {
    script.set('full', { hang: true });
    const holder = new AbortController();
    const waiter = new AbortController();
    const first = post('full', holder.signal).catch(() => undefined);
    await until(async () => (await deployment('full')).in_flight === 1, 'the first request to hold the slot');
    const second = post('full', waiter.signal).catch(() => undefined);
    await until(async () => (await deployment('full')).queued === 1, 'the second request to queue');
    const third = await post('full');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'queue_full' } });
    expect(script.arrivalsOf('full')).toHaveLength(1);
    holder.abort();
    waiter.abort();
    await Promise.all([first, second]);
    await until(async () => (await deployment('full')).in_flight === 0, 'slots to be released');
  });

  it('answers 429 when no slot frees up within queue_timeout', async () => {
    script.set('queue-timeout', { hang: true });
    const holder = new AbortController();
    const first = post('queue-timeout', holder.signal).catch(() => undefined);
    await until(async () => (await deployment('queue-timeout')).in_flight === 1, 'the slot to be taken');
    const second = await post('queue-timeout');
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: { code: 'queue_timeout' } });
    holder.abort();
    await first;
  });

  it('serves a queued request once the slot is free, never two at once', async () => {
    script.set('queued-then-served', { ...OK, delayMs: 300 });
    const [a, b] = await Promise.all([post('queued-then-served'), post('queued-then-served')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [first, second] = script.arrivalsOf('queued-then-served');
    expect(second! - first!).toBeGreaterThanOrEqual(290);
  });
});

describe('cancellation', () => {
  it('a client leaving mid-stream closes the upstream stream and frees the deployment', async () => {
    script.set('cancel-stream', { ...OK_STREAM, lineDelayMs: 500 });
    const controller = new AbortController();
    const res = await post('cancel-stream', controller.signal, true);
    const reader = res.body!.getReader();
    await reader.read();
    expect(upstream.openResponses()).toBe(1);
    controller.abort();
    await until(() => upstream.openResponses() === 0, 'the upstream response to be closed');
    await until(async () => (await deployment('cancel-stream')).in_flight === 0, 'in_flight to return to 0');
  });

  it('a client leaving before headers aborts the upstream request', async () => {
    script.set('cancel-waiting', { hang: true });
    const controller = new AbortController();
    const pending = post('cancel-waiting', controller.signal).catch((err: Error) => err.name);
    await until(() => upstream.openResponses() === 1, 'the upstream request');
    controller.abort();
    expect(await pending).toBe('AbortError');
    await until(() => upstream.openResponses() === 0, 'the upstream request to be aborted');
  });

  it('a client leaving while queued leaves the queue and never reaches the upstream', async () => {
    script.set('cancel-queued', { hang: true });
    const holder = new AbortController();
    const queued = new AbortController();
    const first = post('cancel-queued', holder.signal).catch(() => undefined);
    await until(async () => (await deployment('cancel-queued')).in_flight === 1, 'the slot to be taken');
    const second = post('cancel-queued', queued.signal).catch(() => undefined);
    await until(async () => (await deployment('cancel-queued')).queued === 1, 'the request to queue');
    queued.abort();
    await second;
    await until(async () => (await deployment('cancel-queued')).queued === 0, 'the queue to empty');
    holder.abort();
    await first;
    await until(async () => (await deployment('cancel-queued')).in_flight === 0, 'the slot to be freed');
    expect(script.arrivalsOf('cancel-queued')).toHaveLength(1);
  });
});
