/**
 * A scriptable fake upstream for tests: each route answers with a status, headers and either a JSON body or a
 * recorded transcript (a fixture file under test/fixtures/, sent as is), optionally one byte at a time or with a
 * delay between lines. Every request is recorded (method, path, headers, raw body) so tests can prove what the
 * gateway sent upstream. Binds 127.0.0.1 on a random port.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Directory of recorded transcripts. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  /** Path plus query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `body` parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** How one route answers. */
export interface FakeRoute {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (serialized) — or use `fixture` / `text`. */
  json?: unknown;
  /** Raw body text. */
  text?: string;
  /** Path of a transcript relative to test/fixtures/, sent as is (e.g. `ollama/chat-text.ndjson`). */
  fixture?: string;
  /** Send the body one byte per write (tests parsers against arbitrary chunk boundaries). */
  byteByByte?: boolean;
  /** Milliseconds to wait between lines of the body. */
  lineDelayMs?: number;
  /** Never answer (for timeout tests); the socket stays open until the client gives up. */
  hang?: boolean;
  /** Milliseconds to wait before sending the headers (a slow upstream). */
  delayMs?: number;
  /** Destroy the connection without answering (a connection reset before headers). */
  reset?: boolean;
  /** Send this many bytes of the body, then destroy the connection (truncated JSON or stream). */
  truncateAfterBytes?: number;
  /** Send this many lines of the body, then hang with the response open (a stall mid-stream). */
  stallAfterLines?: number;
}

/** A route handler: a fixed answer, or a function of the recorded request. */
export type FakeHandler = FakeRoute | ((req: RecordedRequest) => FakeRoute);

/** A running fake upstream. */
export interface FakeUpstream {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Replace or add a route: key `METHOD /path` (query string ignored). */
  route(key: string, handler: FakeHandler): void;
  /** Number of responses still being written (e.g. streams the client has not aborted). */
  openResponses(): number;
  close(): Promise<void>;
}

/**
 * Starts a fake upstream.
 * @param routes keyed `METHOD /path`, e.g. `POST /v1/chat/completions`; unknown routes answer 404 JSON
 */
export async function startFakeUpstream(routes: Record<string, FakeHandler> = {}): Promise<FakeUpstream> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      let json: unknown;
      try {
        json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      const path = (req.url ?? '/').split('?')[0];
      const handler = table.get(`${recorded.method} ${path}`);
      const route: FakeRoute = handler
        ? typeof handler === 'function'
          ? handler(recorded)
          : handler
        : { status: 404, json: { error: { message: `fake upstream: no route ${recorded.method} ${path}` } } };
      open.add(res);
      res.on('close', () => open.delete(res));
      void respond(res, route);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, handler) => table.set(key, handler),
    openResponses: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(res: ServerResponse, route: FakeRoute): Promise<void> {
  if (route.hang) return;
  if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
  if (res.destroyed) return;
  if (route.reset) {
    res.socket?.destroy();
    return;
  }
  let body: string;
  let contentType = 'application/json';
  if (route.fixture !== undefined) {
    body = readFileSync(FIXTURES_DIR + route.fixture, 'utf8');
    if (route.fixture.endsWith('.sse')) contentType = 'text/event-stream';
    else if (route.fixture.endsWith('.ndjson')) contentType = 'application/x-ndjson';
  } else if (route.text !== undefined) {
    body = route.text;
    contentType = 'text/plain';
  } else {
    body = route.json === undefined ? '' : JSON.stringify(route.json);
  }
  res.writeHead(route.status ?? 200, { 'content-type': contentType, ...route.headers });
  if (route.truncateAfterBytes !== undefined) {
    res.write(Buffer.from(body).subarray(0, route.truncateAfterBytes), () => res.socket?.destroy());
    return;
  }
  if (!route.byteByByte && !route.lineDelayMs && route.stallAfterLines === undefined) {
    res.end(body);
    return;
  }
  const pieces = route.byteByByte ? [...Buffer.from(body)].map((b) => Buffer.from([b])) : splitLines(body);
  for (const [i, piece] of pieces.entries()) {
    if (res.destroyed || i === route.stallAfterLines) return;
    res.write(piece);
    await new Promise((r) => setTimeout(r, route.lineDelayMs ?? 0));
  }
  res.end();
}

function splitLines(body: string): string[] {
  return body.split(/(?<=\n)/);
}
