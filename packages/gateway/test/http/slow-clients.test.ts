/**
 * Slow and idle clients cannot hold the gateway's sockets: headers that do not arrive within
 * `server.header_timeout`, bodies slower than `server.body_min_rate` for `server.body_timeout`, and
 * connections over `server.max_connections` are answered in the OpenAI envelope and closed, while normal
 * requests keep being served. Bounds are generous (the checks run once a second).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { collect, portOf, type RawExchange } from '../support/raw-http.js';

let upstream: FakeUpstream;
let gateway: GatewayProcess;

const MAX_CONNECTIONS = 40;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'm', object: 'model' }] } },
    'POST /v1/chat/completions': { fixture: 'openai/chat-text.json' },
  });
  gateway = await startGatewayProcess({
    server: {
      log_level: 'error',
      header_timeout: '1s',
      body_timeout: '2s',
      body_min_rate: '100b',
      max_connections: MAX_CONNECTIONS,
    },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1` } },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

/** A client that writes `parts` one every `everyMs` (repeating the last forever when `repeat`). */
function dripping(parts: string[], everyMs: number, timeoutMs = 8_000): Promise<RawExchange> {
  const socket: Socket = connect(portOf(gateway.url), '127.0.0.1');
  let timer: NodeJS.Timeout | undefined;
  const done = collect(socket, performance.now(), { timeoutMs }, () => {
    let i = 0;
    timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(parts[Math.min(i++, parts.length - 1)]!);
    }, everyMs);
  });
  return done.finally(() => clearInterval(timer));
}

/** Normal requests, one after another, until `until` settles; every answer must be a 200. */
async function servedMeanwhile(until: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void until.finally(() => {
    finished = true;
  });
  const statuses: number[] = [];
  while (!finished) {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    statuses.push(res.status);
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 100));
  }
  return statuses;
}

function expect408(res: RawExchange, minMs: number, maxMs: number) {
  expect(res.status, res.raw.slice(0, 200)).toBe(408);
  expect(JSON.parse(res.body)).toMatchObject({
    error: { code: 'request_timeout', type: 'invalid_request_error' },
  });
  expect(res.closed).toBe(true);
  expect(res.elapsedMs).toBeGreaterThanOrEqual(minMs);
  expect(res.elapsedMs).toBeLessThan(maxMs);
}

describe('slow clients', () => {
  it('cuts headers that trickle in past header_timeout with 408, serving others meanwhile', async () => {
    const slow = dripping(['GET /v1/models HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-Slow: 1\r\n'], 200);
    const statuses = await servedMeanwhile(slow);
    expect408(await slow, 900, 4_000);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('cuts a body slower than body_min_rate after body_timeout with 408, serving others meanwhile', async () => {
    const head =
      'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100000\r\n\r\n{';
    const slow = dripping([head, ' '], 250);
    const statuses = await servedMeanwhile(slow);
    expect408(await slow, 1_900, 5_000);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('lets a long body through while it keeps above body_min_rate', async () => {
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(1_400) }] });
    const parts = [
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
    ];
    // 100 bytes every 250 ms is 400 B/s, above the 100 B/s minimum, for about 3.5 s (> body_timeout).
    for (let i = 0; i < body.length; i += 100) parts.push(body.slice(i, i + 100));
    const res = await dripping(parts, 250);
    expect(res.status, res.raw.slice(0, 200)).toBe(200);
    expect(res.elapsedMs).toBeGreaterThan(2_500);
  });

  it('closes idle connections after header_timeout and answers connections over max_connections with 503', async () => {
    const idle = Array.from({ length: MAX_CONNECTIONS }, () => dripping([], 60_000));
    await new Promise((r) => setTimeout(r, 300));
    const over = await dripping(['GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'], 10, 3_000);
    expect(over.status, over.raw.slice(0, 200)).toBe(503);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: 'too_many_connections' } });
    expect(over.headers['retry-after']).toBe('1');
    // Connections kept alive by earlier tests' clients count too: those idle ones over the cap got 503.
    const answers = await Promise.all(idle);
    const cut = answers.filter((res) => res.status === 408);
    expect(cut.length).toBeGreaterThan(MAX_CONNECTIONS - 10);
    for (const res of cut) expect408(res, 900, 4_000);
    for (const res of answers) expect([408, 503]).toContain(res.status);
    const after = await fetch(`${gateway.url}/v1/models`);
    expect(after.status).toBe(200);
  });
});
