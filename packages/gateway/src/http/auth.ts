import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from './errors.js';

/** Paths reachable without a key (liveness only). */
const PUBLIC_PATHS = new Set(['/health']);

/**
 * Requires one of `keys` on every route but `/health`, as `Authorization: Bearer <key>` or `x-api-key`.
 * Keys are compared in constant time on their SHA-256 digests and never logged.
 * @throws GatewayError 401 (OpenAI envelope, `invalid_api_key`) on a missing or wrong key
 */
export function registerApiKeyAuth(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const digests = keys.map(digest);
  app.addHook('onRequest', async (request) => {
    if (PUBLIC_PATHS.has(request.url.split('?')[0]!)) return;
    const presented = bearer(request.headers.authorization) ?? headerValue(request.headers['x-api-key']);
    if (presented !== undefined) {
      const d = digest(presented);
      if (digests.some((k) => timingSafeEqual(k, d))) return;
    }
    throw new GatewayError(
      401,
      presented === undefined
        ? 'Missing API key: send Authorization: Bearer <key> or x-api-key'
        : 'Incorrect API key provided',
      { code: 'invalid_api_key' },
    );
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
