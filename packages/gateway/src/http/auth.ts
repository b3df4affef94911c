import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ErrorCode } from '../core/error-codes.js';
import { GatewayError } from '../core/errors.js';
import type { KeyDirectory, Tenant } from '../tenancy/key-directory.js';
import { isVirtualKey } from '../tenancy/key-material.js';

/** Paths reachable without a key (liveness only: `/` is Ollama's probe, answering `Ollama is running`). */
const PUBLIC_PATHS = new Set(['/health', '/']);

/** Who may call the gateway. */
export interface ApiKeyAuthOptions {
  /** `server.api_keys`: static keys with no limits. */
  staticKeys: readonly string[];
  /** `server.master_key` (or `SWITCHYARD_MASTER_KEY`): every route, and the only key for `/admin/*`. */
  masterKey?: string;
  /** Virtual keys (`sk-sy-…`); a request presenting one gets `request.tenant`. */
  virtualKeys?: KeyDirectory;
  /** bytes (`server.body_limit`) */
  bodyLimit: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The virtual key (and its team) that authenticated the request; undefined for static keys and no key. */
    tenant: Tenant | undefined;
  }
}

/**
 * Requires a key on every route but `/health` and `/` once any key is configured (static keys or a master key),
 * as `Authorization: Bearer <key>` or `x-api-key`: a static key, the master key, or a valid virtual key (also
 * checked when no key is required, so a virtual key's limits always apply). `/admin/*` takes the master key only,
 * and is refused when none is configured. The operator routes under `/-/` (config reload, the request log)
 * take the master key when one is configured, else a static key (open when no key is configured); never a
 * virtual key. Static keys are compared in constant time on their SHA-256 digests;
 * no key is ever logged. A refused request's body is read and discarded (up to `bodyLimit` bytes) before the
 * 401 goes out: closing the connection with the body unread would reset it, and a client still sending would
 * see EPIPE instead of the answer.
 * @throws GatewayError 401 (`invalid_api_key`) on a missing, wrong, revoked or expired key; 403
 *   (`admin_disabled`) on `/admin/*` without a configured master key; 503 when a virtual key cannot be checked
 *   because the store is down
 */
export function registerApiKeyAuth(app: FastifyInstance, options: ApiKeyAuthOptions): void {
  const { masterKey, virtualKeys, bodyLimit } = options;
  const digests = options.staticKeys.map(digest);
  const masterDigest = masterKey === undefined ? undefined : digest(masterKey);
  const required = digests.length > 0 || masterDigest !== undefined;
  if (!required && !virtualKeys) return;
  app.decorateRequest('tenant', undefined);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (PUBLIC_PATHS.has(path)) return;
    const presented = bearer(request.headers.authorization) ?? headerValue(request.headers['x-api-key']);
    const d = presented === undefined ? undefined : digest(presented);
    const isMaster = d !== undefined && masterDigest !== undefined && timingSafeEqual(masterDigest, d);
    if (path.startsWith(OPERATOR_PREFIX)) {
      const isStatic = d !== undefined && digests.some((k) => timingSafeEqual(k, d));
      if (isMaster || (masterDigest === undefined && (isStatic || !required))) return;
      throw await refusal(request.raw, bodyLimit, operatorRefusal(masterDigest !== undefined, presented));
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      if (isMaster) return;
      throw await refusal(request.raw, bodyLimit, adminRefusal(masterDigest !== undefined, presented));
    }
    if (isMaster || (d !== undefined && digests.some((k) => timingSafeEqual(k, d)))) return;
    if (presented !== undefined && virtualKeys && isVirtualKey(presented)) {
      try {
        request.tenant = await virtualKeys.authenticate(presented);
        return;
      } catch (err) {
        throw await refusal(request.raw, bodyLimit, err as GatewayError);
      }
    }
    if (!required) return;
    throw await refusal(
      request.raw,
      bodyLimit,
      new GatewayError(
        401,
        presented === undefined
          ? 'Missing API key: send Authorization: Bearer <key> or x-api-key'
          : 'Incorrect API key provided',
        { code: 'invalid_api_key' },
      ),
    );
  });
}

/** Paths of the operator routes (`/-/reload`, `/-/requests`). */
const OPERATOR_PREFIX = '/-/';

function operatorRefusal(masterConfigured: boolean, presented: string | undefined): GatewayError {
  const needed = masterConfigured ? 'the master key' : 'a key of server.api_keys';
  return new GatewayError(
    401,
    presented === undefined
      ? `Missing key: this operator route needs ${needed}`
      : `This operator route needs ${needed}`,
    { code: 'invalid_api_key' },
  );
}

function adminRefusal(configured: boolean, presented: string | undefined): GatewayError {
  if (!configured) {
    return new GatewayError(
      403,
      'The admin API is disabled: set server.master_key or SWITCHYARD_MASTER_KEY to enable it',
      { code: 'admin_disabled' },
    );
  }
  return new GatewayError(
    401,
    presented === undefined
      ? 'Missing master key: send Authorization: Bearer <master key>'
      : 'The admin API needs the master key',
    { code: 'invalid_api_key' },
  );
}

/** `error`, after the request body was discarded; with `connection: close` when it could not be read to its end. */
async function refusal(req: IncomingMessage, bodyLimit: number, error: GatewayError): Promise<GatewayError> {
  if (!(error instanceof GatewayError)) return error;
  if (await discardBody(req, bodyLimit)) return error;
  return new GatewayError(error.status, error.message, {
    type: error.type,
    code: error.code as ErrorCode,
    headers: { ...error.headers, connection: 'close' },
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
