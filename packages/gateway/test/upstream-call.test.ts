import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortSwitch } from '../src/providers/abort-switch.js';
import { callUpstream } from '../src/providers/openai-compatible/upstream-call.js';

/** 1 MiB in 256 chunks of 4 KiB, each filled with its index, so order and completeness are checkable. */
const CHUNKS = 256;
const CHUNK_BYTES = 4096;

describe('callUpstream', () => {
  let server: Server;
  let origin: string;
  let closedEarly = 0;
  const agent = new Agent({ keepAliveTimeout: 1_000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let i = 0;
        const pump = () => {
          while (i < CHUNKS) {
            if (!res.write(Buffer.alloc(CHUNK_BYTES, i++ % 256))) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        const timer = setInterval(() => res.write('data: more\n\n'), 20);
        res.on('close', () => {
          clearInterval(timer);
          if (!res.writableFinished) closedEarly++;
        });
        return;
      }
      if (req.url === '/reset') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      req.resume();
      res.writeHead(404, { 'x-upstream': 'yes' }).end('{"error":"nope"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (path: string, abort?: AbortSwitch) =>
    callUpstream(agent, { origin, path, method: 'GET', headers: {}, ...(abort ? { abort } : {}) });

  it('delivers status, lower-case headers and every body byte in order to a slow reader', async () => {
    const res = await call('/missing');
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-upstream']).toBe('yes');
    const text: string[] = [];
    for await (const chunk of res.body) text.push(Buffer.from(chunk).toString());
    expect(text.join('')).toBe('{"error":"nope"}');

    const big = await call('/big');
    const received: Buffer[] = [];
    for await (const chunk of big.body) {
      received.push(Buffer.from(chunk));
      if (received.length % 16 === 0) await sleep(5); // let the upstream get ahead: backpressure must hold
    }
    const all = Buffer.concat(received);
    expect(all.length).toBe(CHUNKS * CHUNK_BYTES);
    for (let i = 0; i < CHUNKS; i++) expect(all[i * CHUNK_BYTES]).toBe(i % 256);
  });

  it('aborts the upstream request when the body is abandoned or the call is aborted', async () => {
    const abandoned = await call('/slow');
    const first = await abandoned.body.next();
    expect(Buffer.from(first.value!).toString()).toBe('data: 1\n\n');
    await abandoned.body.return();
    expect(await abandoned.body.next()).toEqual({ value: undefined, done: true });

    const controller = new AbortSwitch();
    const signalled = await call('/slow', controller);
    await signalled.body.next();
    controller.abort(new Error('client went away'));
    await expect(
      (async () => {
        for await (const _ of signalled.body);
      })(),
    ).rejects.toThrow('client went away');
    await expect.poll(() => closedEarly).toBe(2);
  });

  it('rejects before the response with the abort reason or the transport error', async () => {
    const aborted = new AbortSwitch();
    aborted.abort(new Error('already gone'));
    await expect(call('/big', aborted)).rejects.toThrow('already gone');
    await expect(
      callUpstream(agent, { origin: 'http://127.0.0.1:1', path: '/', method: 'GET', headers: {} }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects the body read when the upstream connection breaks mid-body', async () => {
    const res = await call('/reset');
    await expect(
      (async () => {
        for await (const _ of res.body);
      })(),
    ).rejects.toThrow();
  });
});
