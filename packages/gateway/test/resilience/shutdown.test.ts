/**
 * Graceful shutdown of the real `switchyard serve` process on SIGTERM/SIGINT: it stops accepting, lets
 * in-flight requests finish within `server.drain_timeout`, ends the rest with an error (a final SSE error
 * event for streams), and exits 0.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK_STREAM } from '../support/fault-script.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { collect, portOf } from '../support/raw-http.js';
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

  it('answers a request that arrives on a busy connection during the drain with a 503 envelope', async () => {
    script.set('drip', { ...OK_STREAM, lineDelayMs: 150 });
    const gateway = await startGatewayProcess(config('10s'));
    const body = JSON.stringify({ model: 'drip', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const socket = connect(portOf(gateway.url), '127.0.0.1');
    const exchange = collect(socket, performance.now(), { timeoutMs: 15_000 }, () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    await until(() => upstream.openResponses() === 1, 'the stream to start');
    const exit = gateway.stop();
    await until(() => gateway.output().includes('SIGTERM received'), 'the signal to be handled');
    // The connection is busy with the stream, so it stays open; its next request arrives while closing.
    socket.write('GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { raw } = await exchange;
    const second = raw.slice(raw.indexOf('data: [DONE]'));
    expect(second).toContain('HTTP/1.1 503');
    const envelope = JSON.parse(second.slice(second.indexOf('{'))) as { error: { code: string } };
    expect(envelope.error.code).toBe('server_shutting_down');
    expect(await exit).toBe(0);
  });
});
