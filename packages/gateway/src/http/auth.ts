import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/errors.js';

/** Paths reachable without a key (liveness only: `/` is Ollama's probe, answering `Ollama is running`). */
const PUBLIC_PATHS = new Set(['/health', '/']);

/**
 * Requires one of `keys` on every route but `/health` and `/`, as `Authorization: Bearer <key>` or `x-api-key`.
 * Keys are compared in constant time on their SHA-256 digests and never logged. A refused request's body is
 * read and discarded (up to `bodyLimit` bytes) before the 401 goes out: closing the connection with the body
 * unread would reset it, and a client still sending would see EPIPE instead of the answer.
 * @param bodyLimit bytes (`server.body_limit`)
 * @throws GatewayError 401 (OpenAI envelope, `invalid_api_key`) on a missing or wrong key
 */
export function registerApiKeyAuth(app: FastifyInstance, keys: readonly string[], bodyLimit: number): void {
  if (keys.length === 0) return;
  const digests = keys.map(digest);
  app.addHook('onRequest', async (request) => {
    if (PUBLIC_PATHS.has(request.url.split('?')[0]!)) return;
    const presented = bearer(request.headers.authorization) ?? headerValue(request.headers['x-api-key']);
    if (presented !== undefined) {
      const d = digest(presented);
      if (digests.some((k) => timingSafeEqual(k, d))) return;
    }
    const drained = await discardBody(request.raw, bodyLimit);
    throw new GatewayError(
      401,
      presented === undefined
        ? 'Missing API key: send Authorization: Bearer <key> or x-api-key'
        : 'Incorrect API key provided',
      { code: 'invalid_api_key', headers: drained ? {} : { connection: 'close' } },
    );
  });
}

/**
 * Reads and drops a request body, resolving at its end, when the connection closes, or once more than
 * `limit` bytes arrived (a body that large is refused without being read further).
 * @returns false when the body was not read to its end (the connection must close after the answer)
 */
function discardBody(req: IncomingMessage, limit: number): Promise<boolean> {
  const declared = req.headers['content-length'];
  if (req.complete || (req.headers['transfer-encoding'] === undefined && (!declared || declared === '0'))) {
    return Promise.resolve(true);
  }
  if (Number(declared) > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (): void => {
      req.off('data', onData);
      req.off('end', finish);
      req.off('close', finish);
      req.off('error', finish);
      resolve(req.complete);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limit) {
        req.pause();
        finish();
      }
    };
    req.on('data', onData);
    req.once('end', finish);
    req.once('close', finish);
    req.once('error', finish);
  });
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function bearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(value.trim());
  return m?.[1];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
