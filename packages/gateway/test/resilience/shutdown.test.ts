/**
 * Graceful shutdown of the real `switchyard serve` process on SIGTERM/SIGINT: it stops accepting, lets
 * in-flight requests finish within `server.drain_timeout`, ends the rest with an error (a final SSE error
 * event for streams), and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK_STREAM } from '../support/fault-script.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

const script = new FaultScript();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': script.handler,
    'GET /v1/models': { json: { object: 'list', data: [] } },
  });
});

afterAll(async () => {
  await upstream?.close();
});

function config(drainTimeout: string) {
  return {
    server: { log_level: 'silent', drain_timeout: drainTimeout },
    providers: { fake: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      { id: 'drip', deployments: [{ provider: 'fake', model: 'drip' }] },
      { id: 'hang', deployments: [{ provider: 'fake', model: 'hang' }] },
    ],
  };
}

function post(url: string, model: string, stream: boolean): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream }),
  });
}

describe('graceful shutdown', () => {
  it('finishes in-flight streams within the drain timeout, refuses new connections, exits 0', async () => {
    script.set('drip', { ...OK_STREAM, lineDelayMs: 100 });
    const gateway = await startGatewayProcess(config('10s'));
    const res = await post(gateway.url, 'drip', true);
    const text = res.text();
    await until(() => upstream.openResponses() === 1, 'the stream to start');
    const exit = gateway.stop();
    await until(() => gateway.output().includes('SIGTERM received'), 'the signal to be handled');
    await expect(post(gateway.url, 'drip', false)).rejects.toThrow();
    const body = await text;
    expect(body).toContain('"content":"lo"');
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exit).toBe(0);
  });

  it('after the drain timeout ends streams with an error event and waiting requests with 503 (SIGINT)', async () => {
    script.set('drip', { ...OK_STREAM, lineDelayMs: 2_000 });
    script.set('hang', { hang: true });
    const gateway = await startGatewayProcess(config('300ms'));
    const streaming = await post(gateway.url, 'drip', true);
    const waiting = post(gateway.url, 'hang', false);
    await until(() => upstream.openResponses() === 2, 'both requests to reach the upstream');
    const exit = new Promise((resolve) => gateway.child.once('exit', resolve));
    gateway.child.kill('SIGINT');
    const body = await streaming.text();
    expect(body).toContain('"role":"assistant"');
    const [errorEvent, done] = body.trimEnd().split('\n\n').slice(-2);
    expect(done).toBe('data: [DONE]');
    expect(JSON.parse(errorEvent!.slice('data: '.length))).toMatchObject({
      error: { code: 'server_shutting_down', type: 'server_error' },
    });
    const answer = await waiting;
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: { code: 'server_shutting_down' } });
    expect(await exit).toBe(0);
    await until(() => upstream.openResponses() === 0, 'upstream requests to be aborted');
  });
});
