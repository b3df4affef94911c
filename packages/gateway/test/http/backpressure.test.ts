/**
 * Response-writing backpressure (http/respond.ts): while a client does not read, the gateway stops reading
 * the upstream, so an event stream far larger than the socket buffers stays at the upstream instead of
 * piling up in gateway memory; once the client reads again every byte arrives, in order. Real gateway
 * process, a fake upstream that reports what it could not hand to its socket yet, a raw `node:http` client.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';

/** One SSE event of about 1 KiB. */
const EVENT = `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${'x'.repeat(1000)}"}}]}\n\n`;
/** 48 MiB: well beyond what the kernel buffers of two loopback connections hold. */
const EVENTS = Math.ceil((48 * 1024 * 1024) / EVENT.length);
const BODY = EVENT.repeat(EVENTS) + 'data: [DONE]\n\n';

let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': { text: BODY, headers: { 'content-type': 'text/event-stream' } },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { up: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
    models: [{ id: 'big', deployments: [{ provider: 'up', model: 'big' }] }],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('backpressure', () => {
  it('stops reading the upstream while the client does not read, then delivers every byte', async () => {
    const url = new URL('/v1/chat/completions', gateway.url);
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, resolve);
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    });
    res.pause();
    expect(res.statusCode).toBe(200);
    // Given time to read it all (a gateway that ignores backpressure takes about 1.5 s here), the gateway
    // has still left most of the body at the upstream: it stopped reading when the client did.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(upstream.unsentBytes()).toBeGreaterThan(16 * 1024 * 1024);
    let received = 0;
    let tail = '';
    res.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      tail = (tail + chunk.toString('latin1')).slice(-64);
    });
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(received).toBe(Buffer.byteLength(BODY));
    expect(tail.endsWith(`${'x'.repeat(10)}"}}]}\n\ndata: [DONE]\n\n`)).toBe(true);
  });
});
