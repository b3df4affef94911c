/**
 * Which upstream failures are retried and after how long (routing/retry-policy.ts): transport error codes
 * (undici's `UND_ERR_*`, Node's socket errors, fetch's wrapped `cause`) map to retryable 502/504, anything
 * else to a non-retryable protocol error; backoff is exponential with half jitter, stretched to Retry-After
 * within the cap.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamError } from '../../src/core/errors.js';
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffMs,
  isRetryable,
  retryDelayMs,
  toUpstreamError,
} from '../../src/routing/retry-policy.js';

const coded = (code: string) => Object.assign(new Error(`socket said ${code}`), { code });

describe('toUpstreamError', () => {
  it.each(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])(
    'a transport timeout (%s) is a retryable 504 upstream_timeout',
    (code) => {
      const err = toUpstreamError(coded(code), 'gpu') as UpstreamError;
      expect(err).toBeInstanceOf(UpstreamError);
      expect([err.status, err.code, err.failure, err.retryable]).toEqual([
        504,
        'upstream_timeout',
        'timeout',
        true,
      ]);
      expect(err.message).toBe(`upstream provider 'gpu' timed out (${code})`);
    },
  );

  it.each(['UND_ERR_SOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'HPE_INVALID_CHUNK_SIZE'])(
    'a broken or refused connection (%s) is a retryable 502 upstream_connection_error',
    (code) => {
      const err = toUpstreamError(coded(code), 'gpu') as UpstreamError;
      expect([err.status, err.code, err.failure, err.retryable]).toEqual([
        502,
        'upstream_connection_error',
        'connect',
        true,
      ]);
      expect(err.message).toBe(`connection to upstream provider 'gpu' failed (${code})`);
    },
  );

  it("reads the code of fetch's `TypeError: fetch failed` from its cause", () => {
    const wrapped = new TypeError('fetch failed', { cause: coded('UND_ERR_HEADERS_TIMEOUT') });
    expect((toUpstreamError(wrapped, 'gpu') as UpstreamError).status).toBe(504);
    const refused = new TypeError('fetch failed', { cause: coded('ECONNREFUSED') });
    expect((toUpstreamError(refused, 'gpu') as UpstreamError).code).toBe('upstream_connection_error');
  });

  it('anything else is a non-retryable 502 upstream_protocol_error naming the message', () => {
    const err = toUpstreamError(new SyntaxError('Unexpected token < in JSON'), 'gpu') as UpstreamError;
    expect([err.status, err.code, err.failure, err.retryable]).toEqual([
      502,
      'upstream_protocol_error',
      'protocol',
      false,
    ]);
    expect(err.message).toBe("upstream provider 'gpu' sent an invalid response (Unexpected token < in JSON)");
    expect(toUpstreamError(coded('ERR_SOMETHING_ELSE'), 'gpu')).toMatchObject({ retryable: false });
    expect(toUpstreamError('a string', 'gpu').message).toBe(
      "upstream provider 'gpu' sent an invalid response (a string)",
    );
  });

  it('accepts anything thrown, even null or a cause with a non-string code', () => {
    expect(toUpstreamError(null, 'gpu').message).toBe(
      "upstream provider 'gpu' sent an invalid response (null)",
    );
    const numeric = new Error('odd', { cause: { code: 42 } });
    expect(toUpstreamError(numeric, 'gpu').message).toBe(
      "upstream provider 'gpu' sent an invalid response (odd)",
    );
  });

  it('returns gateway errors unchanged', () => {
    const original = new GatewayError(400, 'bad');
    expect(toUpstreamError(original, 'gpu')).toBe(original);
  });
});

describe('isRetryable', () => {
  it('is true only for retryable upstream errors', () => {
    expect(isRetryable(new UpstreamError(503, 'x', { failure: 'status' }))).toBe(true);
    expect(isRetryable(new UpstreamError(400, 'x', { failure: 'status' }))).toBe(false);
    expect(isRetryable(new GatewayError(503, 'x'))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

describe('backoffMs', () => {
  it('is half the exponential step plus up to half of it as jitter', () => {
    expect(backoffMs(0, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffMs(0, () => 0.5)).toBe(75);
    expect(backoffMs(3, () => 0)).toBe(400);
    expect(backoffMs(3, () => 0.999)).toBeCloseTo(799.6, 6);
  });

  it('caps the step at BACKOFF_MAX_MS', () => {
    expect(backoffMs(20, () => 0)).toBe(BACKOFF_MAX_MS / 2);
    expect(backoffMs(20, () => 0.999)).toBeCloseTo(BACKOFF_MAX_MS * 0.9995, 6);
  });
});

describe('retryDelayMs', () => {
  const failure = (retryAfterMs?: number) =>
    new UpstreamError(503, 'x', {
      failure: 'status',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });

  it('without Retry-After is the backoff (within [50, 100) ms for the first retry)', () => {
    for (let i = 0; i < 20; i++) {
      const delay = retryDelayMs(failure(), 0, 10_000)!;
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThan(100);
    }
  });

  it('waits for a Retry-After within the cap (never less than the backoff)', () => {
    expect(retryDelayMs(failure(3_000), 0, 10_000)).toBe(3_000);
    const shortAsk = retryDelayMs(failure(0), 0, 10_000)!;
    expect(shortAsk).toBeGreaterThanOrEqual(50);
    expect(retryDelayMs(failure(10_000), 0, 10_000)).toBe(10_000);
  });

  it('gives up (undefined) when Retry-After exceeds the cap', () => {
    expect(retryDelayMs(failure(10_001), 0, 10_000)).toBeUndefined();
  });
});
