/**
 * A scriptable fake upstream for tests: each route answers with a status, headers and either a JSON body or a
 * transcript (a fixture file under test/fixtures/, sent as is; each folder's SOURCES.md says where it came from),
 * optionally one byte at a time or with a delay between lines. Every request is recorded (method, path, query,
 * headers, raw body) so tests can prove what the gateway sent upstream. Binds 127.0.0.1 on a random port.
 *
 * It fails the way real servers and proxies do: headers flushed then silence, a connection cut in the middle
 * of an SSE event, SSE `:` comment lines (keep-alives, HTML Living Standard §9.2.6 "Parsing an event
 * stream"), gzip-compressed bodies (RFC 9110 §8.4 Content-Encoding, negotiated through Accept-Encoding
 * §12.5.3), and `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Directory of fixture transcripts; each folder's SOURCES.md names the origin of every file. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  /** Path plus query string. */
  url: string;
  /** Path without the query string. */
  path: string;
  /** The parsed query string. */
  query: URLSearchParams;
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
  /**
   * Send this many bytes of the body, then destroy the connection (truncated JSON or stream). The headers
   * are flushed first, so `0` is "headers, then a reset".
   */
  truncateAfterBytes?: number;
  /**
   * Send this many lines of the body, then hang with the response open (a stall mid-stream). The headers
   * are flushed first, so `0` is "headers, then silence".
   */
  stallAfterLines?: number;
  /**
   * Send this many whole events of the body (SSE events end with a blank line; NDJSON events are lines),
   * then the first half of the next one, then destroy the connection: a stream cut in the middle of an event.
   */
  cutMidEvent?: number;
  /** Write this SSE comment line (e.g. `: keep-alive`) before every event of the body. */
  commentBetweenEvents?: string;
  /** While stalled (`stallAfterLines`), send the SSE comment `: keep-alive` every this many ms. */
  keepAliveEveryMs?: number;
  /**
   * Gzip the body (`content-encoding: gzip`) when the request's `accept-encoding` allows it, as servers do;
   * `'always'` compresses regardless (a misconfigured server or proxy).
   */
  gzip?: true | 'always';
  /** `Retry-After`: a number is delay-seconds, a Date is sent as an HTTP-date (IMF-fixdate). */
  retryAfter?: number | Date;
}

/** A route handler: a fixed answer, or a function of the recorded request. */
export type FakeHandler = FakeRoute | ((req: RecordedRequest) => FakeRoute);

/** A running fake upstream. */
export interface FakeUpstream {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /**
   * Replace or add a route. A key `METHOD /path?query` answers only requests with exactly that query
   * string; a key `METHOD /path` answers the path with any query string (the exact key wins).
   */
  route(key: string, handler: FakeHandler): void;
  /** Number of responses still being written (e.g. streams the client has not aborted). */
  openResponses(): number;
  /** Bytes of open responses not yet handed to the socket (what a reader that stopped reading holds back). */
  unsentBytes(): number;
  close(): Promise<void>;
}

/**
 * Starts a fake upstream.
 * @param routes keyed `METHOD /path` or `METHOD /path?query`, e.g. `POST /v1/chat/completions`; unknown
 *   routes answer 404 JSON
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
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url,
        path,
        query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      const handler = table.get(`${recorded.method} ${url}`) ?? table.get(`${recorded.method} ${path}`);
      const route: FakeRoute = handler
        ? typeof handler === 'function'
          ? handler(recorded)
          : handler
        : { status: 404, json: { error: { message: `fake upstream: no route ${recorded.method} ${path}` } } };
      open.add(res);
      res.on('close', () => open.delete(res));
      void respond(res, route, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, handler) => table.set(key, handler),
    openResponses: () => open.size,
    unsentBytes: () => {
      let bytes = 0;
      for (const res of open) bytes += res.writableLength;
      return bytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** True when `accept-encoding` lists gzip with a non-zero weight (RFC 9110 §12.5.3). */
function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const value = headers['accept-encoding'];
  if (typeof value !== 'string') return false;
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip' && coding?.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function respond(res: ServerResponse, route: FakeRoute, req: RecordedRequest): Promise<void> {
  if (route.hang) return;
  if (route.delayMs) await sleep(route.delayMs);
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
  const sse = contentType === 'text/event-stream' || route.headers?.['content-type'] === 'text/event-stream';
  if (route.commentBetweenEvents !== undefined) {
    body = splitEvents(body, sse)
      .map((event) => `${route.commentBetweenEvents}\n${event}`)
      .join('');
  }
  const headers: Record<string, string> = { 'content-type': contentType, ...route.headers };
  if (route.retryAfter !== undefined) {
    headers['retry-after'] =
      route.retryAfter instanceof Date ? route.retryAfter.toUTCString() : String(route.retryAfter);
  }
  const gzip = route.gzip === 'always' || (route.gzip === true && acceptsGzip(req.headers));
  if (gzip) {
    headers['content-encoding'] = 'gzip';
    res.writeHead(route.status ?? 200, headers);
    res.end(gzipSync(body));
    return;
  }
  res.writeHead(route.status ?? 200, headers);
  if (route.truncateAfterBytes !== undefined) {
    res.flushHeaders();
    res.write(Buffer.from(body).subarray(0, route.truncateAfterBytes), () => res.socket?.destroy());
    return;
  }
  if (route.cutMidEvent !== undefined) {
    const events = splitEvents(body, sse);
    const next = events[route.cutMidEvent] ?? '';
    const sent = events.slice(0, route.cutMidEvent).join('') + next.slice(0, Math.ceil(next.length / 2));
    res.write(sent, () => res.socket?.destroy());
    return;
  }
  if (!route.byteByByte && !route.lineDelayMs && route.stallAfterLines === undefined) {
    res.end(body);
    return;
  }
  res.flushHeaders();
  const pieces = route.byteByByte ? [...Buffer.from(body)].map((b) => Buffer.from([b])) : splitLines(body);
  for (const [i, piece] of pieces.entries()) {
    if (res.destroyed) return;
    if (i === route.stallAfterLines) {
      keepAlive(res, route.keepAliveEveryMs);
      return;
    }
    res.write(piece);
    await sleep(route.lineDelayMs ?? 0);
  }
  if (route.stallAfterLines !== undefined && route.stallAfterLines >= pieces.length) {
    keepAlive(res, route.keepAliveEveryMs);
    return;
  }
  res.end();
}

/** Sends `: keep-alive` every `everyMs` until the response closes (nothing when `everyMs` is undefined). */
function keepAlive(res: ServerResponse, everyMs: number | undefined): void {
  if (everyMs === undefined) return;
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else res.write(': keep-alive\n\n');
  }, everyMs);
  res.once('close', () => clearInterval(timer));
}

function splitLines(body: string): string[] {
  return body.split(/(?<=\n)/);
}

/** The events of a body, each with its terminator: SSE events end with a blank line, NDJSON events with `\n`. */
function splitEvents(body: string, sse: boolean): string[] {
  return sse ? body.split(/(?<=\r?\n\r?\n)/) : splitLines(body);
}
