import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/errors.js';
import { writeSocketError } from './client-errors.js';
import { errorPayload } from './error-handler.js';

/**
 * Limits that keep slow or idle clients from holding sockets: the time allowed for request headers, for a
 * request body that stops making progress, and the number of open connections.
 */
export interface SlowClientLimits {
  /** Time from connection (or the previous response) to complete request headers, ms. */
  headerTimeoutMs: number;
  /** Time a request body may go without reaching `bodyMinRate`, ms. */
  bodyTimeoutMs: number;
  /** Bytes per second a body must average over a check interval for its timer to restart. */
  bodyMinRate: number;
  /** Open connections at most; more are answered 503 and closed. Undefined: no limit. */
  maxConnections?: number;
}

/** How often request bodies are checked, ms; a body timeout fires up to this much late. */
const BODY_CHECK_MS = 1_000;

/**
 * The Node server options behind `server.header_timeout`: Node's own header timer (answered 408 through the
 * `clientError` handler, error-handler.ts), checked every second instead of Node's default 30 s so it cuts
 * on time. Node applies it to a fresh connection that sends nothing too.
 */
export function headerTimeoutOptions(limits: SlowClientLimits) {
  return {
    // Node answers a missing Host with an empty 400 of its own; registerHostCheck answers it in the envelope.
    requireHostHeader: false,
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: 0,
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headerTimeoutMs / 2))),
  };
}

/** One request body being received. */
interface Watched {
  req: IncomingMessage;
  res: ServerResponse;
  /** `Date.now()` when the body last showed enough progress (or arrived). */
  since: number;
  /** `req.socket.bytesRead` at `since`. */
  bytesAt: number;
}

/**
 * Cuts request bodies that stall: every {@link BODY_CHECK_MS} each body still arriving is checked; one
 * that received at least `bodyMinRate` bytes per second since its last check restarts its timer, and one
 * that has not for `bodyTimeoutMs` is answered 408 `request_timeout` in the OpenAI envelope and its socket
 * closed. Progress is read from the socket's byte counter, so nothing listens to the body itself.
 */
export function registerBodyTimeout(app: FastifyInstance, limits: SlowClientLimits): void {
  const watched = new Set<Watched>();
  let timer: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    const now = Date.now();
    for (const w of watched) {
      const { req, res } = w;
      if (req.complete || req.destroyed || res.headersSent) {
        watched.delete(w);
        continue;
      }
      const bytes = req.socket.bytesRead;
      if (bytes - w.bytesAt >= (limits.bodyMinRate * (now - w.since)) / 1000) {
        w.since = now;
        w.bytesAt = bytes;
      } else if (now - w.since >= limits.bodyTimeoutMs) {
        watched.delete(w);
        const error = new GatewayError(
          408,
          `The request body did not arrive in time: under ${limits.bodyMinRate} bytes/s for ${limits.bodyTimeoutMs} ms (server.body_timeout)`,
          { code: 'request_timeout' },
        );
        writeSocketError(req.socket, error, errorPayload(error));
      }
    }
    if (watched.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  app.addHook('onRequest', (request, reply, done) => {
    const req = request.raw;
    if (!req.complete && hasBody(req)) {
      watched.add({ req, res: reply.raw, since: Date.now(), bytesAt: req.socket.bytesRead });
      if (timer === undefined) {
        timer = setInterval(sweep, BODY_CHECK_MS);
        timer.unref();
      }
    }
    done();
  });
  app.addHook('onClose', (_instance, closed) => {
    clearInterval(timer);
    closed();
  });
}

/**
 * Caps open connections at `maxConnections`: a connection over the cap is answered 503
 * `too_many_connections` (with `Retry-After: 1`) and closed before any request on it is read, instead of
 * being reset as Node's own `server.maxConnections` does.
 */
export function limitConnections(server: Server, maxConnections: number): void {
  let open = 0;
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const release = (): void => {
    open--;
  };
  server.on('connection', (socket: Socket) => {
    if (open >= maxConnections) {
      const error = new GatewayError(
        503,
        `The gateway has ${maxConnections} open connections (server.max_connections); retry shortly`,
        { code: 'too_many_connections', headers: { 'retry-after': '1' } },
      );
      writeSocketError(socket, error, errorPayload(error));
      return;
    }
    open++;
    socket.once('close', release);
    for (const listener of listeners) listener.call(server, socket);
  });
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
