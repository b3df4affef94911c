import { GatewayError, UpstreamError } from '../../core/errors.js';
import { normalizeErrorBody } from '../../protocols/openai/error-body.js';
import { classifyTransportError } from '../../upstream/transport-errors.js';

/** Largest upstream error body read, in bytes; the rest is discarded. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Reads a non-2xx upstream response and turns it into an {@link UpstreamError} that keeps the upstream's
 * status and carries its message in the OpenAI envelope (vLLM's flat error bodies included).
 * @param status upstream HTTP status
 * @param headers upstream response headers (for `retry-after`)
 * @param body upstream body stream; consumed up to 64 KiB
 */
export async function upstreamStatusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
): Promise<UpstreamError> {
  const envelope = normalizeErrorBody(status, await readErrorBody(body)).error;
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const outHeaders: Record<string, string> = {};
  if (retryAfterMs !== undefined) outHeaders['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
  return new UpstreamError(status, envelope.message, {
    failure: 'status',
    type: envelope.type,
    param: envelope.param,
    upstreamCode: envelope.code,
    headers: outHeaders,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * Reads an upstream error body as UTF-8 text, up to 64 KiB; the rest is discarded and the stream destroyed.
 * @param body upstream body stream
 */
export async function readErrorBody(
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk));
    size += chunk.byteLength;
    if (size >= MAX_ERROR_BODY) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date, RFC 9110 §10.2.3) into milliseconds from now.
 * @returns undefined when absent or unparseable
 */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

/**
 * Maps a thrown transport error to the client-facing error (upstream/transport-errors.ts): connect failures
 * → 502, timeouts → 504.
 * Abort errors caused by the client going away are rethrown unchanged.
 * @param err what undici threw
 * @param providerId for the message
 * @param call the call's abort state (an AbortSignal or the request's AbortWatch), to tell an abort from a
 *   timeout
 */
export function transportError(
  err: unknown,
  providerId: string,
  call: { readonly aborted: boolean },
): unknown {
  if (err instanceof GatewayError) return err;
  if (call.aborted) return err;
  return classifyTransportError(err, providerId, 'connect');
}
