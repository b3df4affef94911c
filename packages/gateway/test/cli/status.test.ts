/**
 * `GET /-/requests` and `switchyard status` against a real gateway process after a few requests through the
 * `openai` SDK to a fake upstream (one deployment failing, so it cools down).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, runCli, startGatewayProcess } from '../support/gateway-process.js';

let upstream: FakeUpstream;
let gateway: GatewayProcess;
const messages = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': (req) =>
      (req.json as { model: string }).model === 'down'
        ? { status: 503, json: { error: { message: 'down', type: 'server_error', param: null, code: null } } }
        : { fixture: 'openai/chat-text.json' },
    'GET /v1/models': { status: 503, json: {} },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { up: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      { id: 'chat', deployments: [{ provider: 'up' }] },
      {
        id: 'down',
        deployments: [{ provider: 'up' }],
        max_retries: 0,
        failure_threshold: 1,
        cooldown: '60s',
      },
    ],
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'chat', messages });
  await client.chat.completions.create({ model: 'down', messages }).catch(() => undefined);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('GET /-/requests', () => {
  it('lists the newest requests first, with tokens and outcome, and the per-model rates', async () => {
    const body = (await (await fetch(`${gateway.url}/-/requests?limit=2`)).json()) as {
      requests: Record<string, unknown>[];
      window_s: number;
      models: Record<string, unknown>[];
    };
    expect(body.requests).toHaveLength(2);
    expect(body.requests[0]).toMatchObject({ model: 'down', status: 503, provider: 'up', attempts: 1 });
    expect(body.requests[1]).toMatchObject({
      model: 'chat',
      status: 200,
      error_code: null,
      prompt_tokens: 9,
      completion_tokens: 2,
      stream: false,
    });
    expect(body.window_s).toBe(60);
    expect(body.models.map((m) => [m.model, m.requests, m.errors])).toEqual([
      ['chat', 3, 0],
      ['down', 1, 1],
    ]);
    expect(body.models[0]!.requests_per_s).toBe(0.05);
  });
});

describe('switchyard status', () => {
  it('prints providers, the cooling deployment and the last minute per model', async () => {
    const { code, stdout, stderr } = await runCli(['status', '--url', gateway.url]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Switchyard at ${gateway.url}`);
    expect(stdout).toMatch(/^up\s+openai-compatible\s+degraded\s+no\s+0\s/m);
    expect(stdout).toMatch(/^down\s+up\s+down\s+cooling\s+0\s+0\s+\S+Z\s+1 consecutive failures/m);
    expect(stdout).toMatch(/^chat\s+0\.05\s+3\s+0\s/m);
    expect(stdout).toMatch(/^down\s+0\.02\s+1\s+1\s/m);
    expect(stdout).toContain('(last 60 s)');
  });

  it('exits 1 naming the gateway it cannot reach', async () => {
    const { code, stderr } = await runCli(['status', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the gateway at http://127.0.0.1:9');
  });
});
