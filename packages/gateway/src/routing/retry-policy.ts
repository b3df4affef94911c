/**
 * When and how soon a failed upstream attempt is retried. Retryable failures are connect errors, timeouts and
 * statuses 408, 429, 500, 502, 503, 504 (`UpstreamError.retryable`); the wait is exponential backoff with
 * jitter, stretched to the upstream's `Retry-After` (RFC 9110 §10.2.3) when that is within the cap.
 */
import { GatewayError, UpstreamError } from '../core/errors.js';
import { classifyTransportError } from '../upstream/transport-errors.js';

/** First backoff step, ms. */
export const BACKOFF_BASE_MS = 100;
/** Largest backoff step, ms. */
export const BACKOFF_MAX_MS = 5_000;

/** True when another attempt may succeed: an {@link UpstreamError} marked retryable. */
export function isRetryable(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && err.retryable;
}

/**
 * Backoff before retry number `retry` (0 for the first retry): `min(max, base·2^retry)`, of which a random
 * half is jitter (so concurrent retries spread out). Milliseconds.
 * @param random source in [0, 1)
 */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry);
  return step / 2 + random() * (step / 2);
}

/**
 * How long to wait before retrying the same deployment after `err`, ms; undefined when the upstream asked
 * for a longer pause than `capMs` (routing then moves on instead of waiting).
 * @param retry 0 for the first retry
 */
export function retryDelayMs(err: UpstreamError, retry: number, capMs: number): number | undefined {
  const backoff = backoffMs(retry);
  if (err.retryAfterMs === undefined) return backoff;
  if (err.retryAfterMs > capMs) return undefined;
  return Math.max(backoff, err.retryAfterMs);
}

/**
 * Turns whatever an adapter or an upstream body stream threw into a client-facing error: gateway errors as
 * they are; broken or refused connections → retryable 502; transport timeouts → retryable 504; anything else
 * (a malformed upstream answer) → non-retryable 502.
 * @param providerId named in the message
 */
export function toUpstreamError(err: unknown, providerId: string): GatewayError {
  return err instanceof GatewayError ? err : classifyTransportError(err, providerId, 'protocol');
}
