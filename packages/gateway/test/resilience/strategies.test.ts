/**
 * Deployment strategies end to end (real gateway process, fetch): least-busy steers around a busy
 * deployment, latency learns the faster one, weighted and round-robin split traffic as configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
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
  const pair = (id: string, strategy: string, weights: [number, number] = [1, 1]) => ({
    id,
    strategy,
    deployments: [
      { provider: 'fake', model: `${id}-a`, weight: weights[0] },
      { provider: 'fake', model: `${id}-b`, weight: weights[1] },
    ],
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      pair('busy', 'least-busy'),
      pair('latency', 'latency'),
      pair('rr', 'round-robin'),
      pair('weighted', 'weighted', [4, 1]),
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function post(model: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    ...(signal ? { signal } : {}),
  });
}

async function sequential(model: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await post(model)).status).toBe(200);
}

describe('strategies', () => {
  it('least-busy sends new requests away from a deployment with requests in flight', async () => {
    script.set('busy-a', { hang: true });
    script.set('busy-b', { hang: true });
    const holders = [new AbortController(), new AbortController()];
    const held = holders.map((c) => post('busy', c.signal).catch(() => undefined));
    await until(() => upstream.openResponses() === 2, 'one request on each deployment');
    expect(script.arrivalsOf('busy-a')).toHaveLength(1);
    expect(script.arrivalsOf('busy-b')).toHaveLength(1);
    holders[1]!.abort();
    await held[1];
    script.set('busy-b', OK);
    await sequential('busy', 5);
    expect(script.arrivalsOf('busy-b')).toHaveLength(5);
    holders[0]!.abort();
    await held[0];
  });

  it('latency prefers the deployment with the faster first byte', async () => {
    script.set('latency-a', { ...OK, delayMs: 150 });
    script.set('latency-b', OK);
    await sequential('latency', 12);
    expect(script.arrivalsOf('latency-b').length).toBeGreaterThanOrEqual(10);
  });

  it('round-robin alternates and weighted follows the weights', async () => {
    script.set('rr-a', OK);
    script.set('rr-b', OK);
    await sequential('rr', 6);
    expect(script.arrivalsOf('rr-a')).toHaveLength(3);
    expect(script.arrivalsOf('rr-b')).toHaveLength(3);
    script.set('weighted-a', OK);
    script.set('weighted-b', OK);
    await sequential('weighted', 100);
    // Expected 80 / 20; the bound is over four standard deviations (4 each) away.
    expect(script.arrivalsOf('weighted-a').length).toBeGreaterThan(62);
  });
});
