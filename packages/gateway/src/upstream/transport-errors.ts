/**
 * The one classifier of transport failures (undici, Node sockets, DNS) into upstream errors, one code per
 * failure kind: timeouts → retryable 504 `upstream_timeout`; refused, reset or broken connections →
 * retryable 502 `upstream_connection_error`; a malformed answer → non-retryable 502 `upstream_protocol_error`.
 * Codes are undici's (https://undici.nodejs.org/#/docs/api/Errors) and Node's system errors
 * (https://nodejs.org/api/errors.html#common-system-errors).
 */
import { errors as undiciErrors } from 'undici';
import { UpstreamError } from '../core/errors.js';

/** Transport error codes that mean the connection failed or broke. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Transport error codes that mean a timeout fired. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Classifies what a transport threw.
 * @param err the thrown value (an undici error, a Node system error, `fetch failed` wrapping one, anything)
 * @param providerId named in the message
 * @param unknownAs the kind of a failure with no known code: `connect` where only the transport can have
 *   thrown (the request call itself), `protocol` where reading or parsing the answer may have
 * @returns a new UpstreamError whose message ends with the code (or the error's message) in parentheses
 */
export function classifyTransportError(
  err: unknown,
  providerId: string,
  unknownAs: 'connect' | 'protocol',
): UpstreamError {
  const code = errorCode(err);
  const detail = code ?? (err as Error)?.message ?? String(err);
  if (isTimeout(err, code)) {
    return new UpstreamError(504, `upstream provider '${providerId}' timed out (${detail})`, {
      failure: 'timeout',
    });
  }
  if (
    (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('HPE_'))) ||
    unknownAs === 'connect'
  ) {
    return new UpstreamError(502, `connection to upstream provider '${providerId}' failed (${detail})`, {
      failure: 'connect',
    });
  }
  return new UpstreamError(502, `upstream provider '${providerId}' sent an invalid response (${detail})`, {
    failure: 'protocol',
  });
}

function isTimeout(err: unknown, code: string | undefined): boolean {
  return (
    (code !== undefined && TIMEOUT_CODES.has(code)) ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    (err as { name?: unknown })?.name === 'TimeoutError'
  );
}

/** `err.code`, or `err.cause.code` (fetch wraps socket errors in `TypeError: fetch failed`). */
function errorCode(err: unknown): string | undefined {
  const own = (err as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}
