/**
 * A local HTTP server that serves the shared GGUF models as a model host would: `GET /<file>` with `Range`
 * support (206 and `Content-Range`, RFC 9110 §14), `GET /<file>.sha256` in `sha256sum` format, and two fault
 * paths: `/cut/<file>` sends only the first `cutAt` bytes of the first full request and then closes the
 * connection (a download interrupted midway), and `/corrupt/<file>` serves the file with one byte changed
 * while its `.sha256` gives the real checksum. Every request's path and `Range` header is recorded.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MODELS_DIR } from './gateway-process.js';

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  range?: string;
}

/** A running model file server. */
export interface ModelFileServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  seen: SeenRequest[];
  /** The sha256 (hex) of a shared model file. */
  sha256(file: string): string;
  close(): Promise<void>;
}

/**
 * Starts the server on a free loopback port.
 * @param cutAt bytes sent by the first request of each `/cut/` file before the connection is closed
 */
export async function startModelFileServer(cutAt = 400_000): Promise<ModelFileServer> {
  const seen: SeenRequest[] = [];
  const cut = new Set<string>();
  const bytes = (file: string) => readFileSync(join(MODELS_DIR, file));
  const sha256 = (file: string) => createHash('sha256').update(bytes(file)).digest('hex');
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    seen.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const match = /^\/(?:(cut|corrupt)\/)?([^/]+\.gguf)(\.sha256)?$/.exec(path);
    let data: Buffer;
    try {
      data = match ? bytes(match[2]!) : Buffer.alloc(0);
    } catch {
      data = Buffer.alloc(0);
    }
    if (!match || data.length === 0) {
      res.writeHead(404).end('not found');
      return;
    }
    const [, fault, file, checksum] = match;
    if (checksum) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${sha256(file!)}  ${file}\n`);
      return;
    }
    if (fault === 'corrupt') {
      data = Buffer.from(data);
      data[data.length - 10] = data[data.length - 10]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= data.length) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    const body = data.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
    });
    if (fault === 'cut' && !cut.has(file!)) {
      cut.add(file!);
      res.write(body.subarray(0, cutAt), () => res.socket?.end());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    sha256,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
