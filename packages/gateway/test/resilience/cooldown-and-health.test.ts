/**
 * Circuit breaking end to end (real gateway process): consecutive failures or a 429 cool a deployment
 * down, traffic moves to the others, below the panic threshold cooling deployments get traffic again (with
 * `panic_threshold: 0` every deployment cooling gives 503 with Retry-After), requests wait for the
 * Retry-After of rate-limited deployments when no other can serve, and background health probes bring a
 * deployment back. `/health/providers` shows all of it.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

const script = new FaultScript();
let shared: FakeUpstream;
let fragileUpstream: FakeUpstream;
let modelsStatus = 200;
let gateway: GatewayProcess;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'hi' }];

interface DeploymentHealth {
  model: string;
  upstream_model: string;
  state: string;
  cooldown_until: string | null;
  cooldown_reason: string | null;
  in_flight: number;
  consecutive_failures: number;
  ttfb_ewma_ms: number | null;
  recent: { requests: number; errors: number; error_rate: number };
}
interface ProviderHealth {
  id: string;
  state: string;
  in_flight: number;
  deployments: DeploymentHealth[];
}

beforeAll(async () => {
  const routes = {
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  };
  shared = await startFakeUpstream(routes);
  fragileUpstream = await startFakeUpstream({
    ...routes,
    'GET /v1/models': () => ({ status: modelsStatus, json: { object: 'list', data: [] } }),
  });
  const provider = (url: string) => ({ type: 'openai-compatible', base_url: `${url}/v1`, discover: false });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { shared: provider(shared.url), fragile: provider(fragileUpstream.url) },
    models: [
      {
        id: 'fragile',
        deployments: [{ provider: 'fragile', model: 'fragile' }],
        max_retries: 1,
        failure_threshold: 2,
        cooldown: '1s',
        // Without panic, a cooled single deployment is refused fast (503) instead of being tried.
        panic_threshold: 0,
      },
      {
        id: 'panicky',
        max_retries: 0,
        failure_threshold: 1,
        cooldown: '30s',
        deployments: [
          { provider: 'shared', model: 'panic-a' },
          { provider: 'shared', model: 'panic-b' },
        ],
      },
      {
        id: 'both-limited',
        max_retries: 0,
        deployments: [
          { provider: 'shared', model: 'limited-a' },
          { provider: 'shared', model: 'limited-b' },
        ],
      },
      {
        id: 'limited',
        max_retries: 0,
        deployments: [{ provider: 'shared', model: 'limited' }],
      },
      {
        id: 'no-breaker',
        cooldown: 0,
        max_retries: 0,
        deployments: [{ provider: 'shared', model: 'no-breaker' }],
      },
      {
        id: 'pair',
        strategy: 'round-robin',
        max_retries: 0,
        deployments: [
          { provider: 'shared', model: 'pair-a' },
          { provider: 'shared', model: 'pair-b' },
        ],
      },
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await shared?.close();
  await fragileUpstream?.close();
});

async function health(providerId: string): Promise<ProviderHealth> {
  const res = await fetch(`${gateway.url}/health/providers`);
  const body = (await res.json()) as { providers: ProviderHealth[] };
  return body.providers.find((p) => p.id === providerId)!;
}

async function chatError(modelId: string): Promise<APIError> {
  try {
    await client.chat.completions.create({ model: modelId, messages });
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('cooldown and health', () => {
  it('cools a deployment after N consecutive failures, answers 503 while all cool, and probes it back', async () => {
    script.set('fragile', { status: 500, json: { error: { message: 'CUDA error' } } });
    const first = await chatError('fragile');
    expect(first.status).toBe(500);
    expect(first.headers?.get('x-switchyard-attempts')).toBe('2');

    const cooling = (await health('fragile')).deployments[0]!;
    expect(cooling).toMatchObject({ state: 'cooling', consecutive_failures: 2 });
    expect(cooling.cooldown_reason).toContain('2 consecutive failures');
    expect(Date.parse(cooling.cooldown_until!)).toBeGreaterThan(Date.now());
    expect((await health('fragile')).state).toBe('cooling');

    const refused = await chatError('fragile');
    expect(refused.status).toBe(503);
    expect(refused.code).toBe('deployments_cooling_down');
    expect(refused.headers?.get('retry-after')).toBe('1');
    expect(script.arrivalsOf('fragile')).toHaveLength(2);

    modelsStatus = 503;
    await until(
      async () =>
        ((await health('fragile')).deployments[0]!.cooldown_reason ?? '').includes('health probe failed'),
      'a failed health probe',
    );
    expect((await health('fragile')).deployments[0]!.state).not.toBe('healthy');

    modelsStatus = 200;
    script.set('fragile', OK);
    await until(
      async () => (await health('fragile')).deployments[0]!.state === 'healthy',
      'a successful probe',
    );
    const back = await client.chat.completions.create({ model: 'fragile', messages });
    expect(back.choices[0]?.message.content).toBe('Hello');
  });

  it('a 429 cools its deployment for Retry-After and traffic moves to the other deployment', async () => {
    script.set('pair-a', {
      status: 429,
      headers: { 'retry-after': '30' },
      json: { error: { message: 'quota' } },
    });
    script.set('pair-b', OK);
    const first = await client.chat.completions.create({ model: 'pair', messages }).withResponse();
    expect(first.response.headers.get('x-switchyard-attempts')).toBe('2');
    for (let i = 0; i < 3; i++) {
      const next = await client.chat.completions.create({ model: 'pair', messages }).withResponse();
      expect(next.response.headers.get('x-switchyard-attempts')).toBe('1');
    }
    expect(script.arrivalsOf('pair-a')).toHaveLength(1);
    expect(script.arrivalsOf('pair-b')).toHaveLength(4);

    const provider = await health('shared');
    expect(provider.state).toBe('degraded');
    expect(provider.in_flight).toBe(0);
    const a = provider.deployments.find((d) => d.upstream_model === 'pair-a')!;
    const b = provider.deployments.find((d) => d.upstream_model === 'pair-b')!;
    expect(a).toMatchObject({ state: 'cooling', cooldown_reason: 'rate limited (429)' });
    expect(Date.parse(a.cooldown_until!) - Date.now()).toBeGreaterThan(20_000);
    expect(a.recent).toEqual({ requests: 1, errors: 1, error_rate: 1 });
    expect(b).toMatchObject({
      state: 'healthy',
      in_flight: 0,
      recent: { requests: 4, errors: 0, error_rate: 0 },
    });
    expect(b.ttfb_ewma_ms).toBeGreaterThan(0);
  });

  it('answers 429 with the remaining Retry-After while every deployment is cooled by upstream 429s', async () => {
    script.set('limited', {
      status: 429,
      headers: { 'retry-after': '20' },
      json: { error: { message: 'quota' } },
    });
    const first = await chatError('limited');
    expect(first.status).toBe(429);
    expect(first.headers?.get('retry-after')).toBe('20');
    const second = await chatError('limited');
    expect(second.status).toBe(429);
    expect(second.code).toBe('deployments_rate_limited');
    expect(Number(second.headers?.get('retry-after'))).toBeGreaterThan(15);
    expect(script.arrivalsOf('limited')).toHaveLength(1);
  });

  it('cooldown: 0 keeps a failing deployment in rotation', async () => {
    script.set('no-breaker', { status: 429, json: { error: { message: 'busy' } } });
    for (let i = 0; i < 7; i++) expect((await chatError('no-breaker')).status).toBe(429);
    expect(script.arrivalsOf('no-breaker')).toHaveLength(7);
    expect((await health('shared')).deployments.find((d) => d.model === 'no-breaker')).toMatchObject({
      state: 'healthy',
      consecutive_failures: 7,
    });
  });

  it('never takes every deployment out: below panic_threshold cooling deployments get traffic again', async () => {
    const broken = { status: 500, json: { error: { message: 'CUDA error' } } };
    script.set('panic-a', broken);
    script.set('panic-b', broken);
    expect((await chatError('panicky')).status).toBe(500);
    await chatError('panicky');
    const cooled = (await health('shared')).deployments.filter((d) => d.model === 'panicky');
    expect(cooled.map((d) => d.state)).toEqual(['cooling', 'cooling']);

    script.set('panic-a', OK);
    script.set('panic-b', OK);
    const served = await client.chat.completions.create({ model: 'panicky', messages });
    expect(served.choices[0]?.message.content).toBe('Hello');
    expect(script.arrivalsOf('panic-a').length + script.arrivalsOf('panic-b').length).toBe(1);
  });

  it('waits for Retry-After (within retry_after_cap) when every deployment is rate limited', async () => {
    const limited = {
      status: 429,
      headers: { 'retry-after': '1' },
      json: { error: { message: 'quota', type: 'rate_limit_error' } },
    };
    script.set('limited-a', limited, OK);
    script.set('limited-b', limited, OK);
    const started = performance.now();
    const res = await client.chat.completions.create({ model: 'both-limited', messages }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe('Hello');
    expect(res.response.headers.get('x-switchyard-attempts')).toBe('3');
    expect(performance.now() - started).toBeGreaterThan(900);
    expect(script.arrivalsOf('limited-a').length + script.arrivalsOf('limited-b').length).toBe(3);
  });
});
