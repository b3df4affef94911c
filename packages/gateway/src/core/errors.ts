/**
 * Gateway errors in the OpenAI error envelope `{"error": {"message", "type", "param", "code"}}`
 * (OpenAI error codes guide: https://platform.openai.com/docs/guides/error-codes). Every failure a client sees is one
 * of these; nothing else leaves the server.
 */
import { errorTypeForStatus } from '@switchyard/wire';
import type { ErrorCode } from './error-codes.js';
import { secretRedactor } from './redactor.js';

/**
 * OpenAI error `type` values used by the gateway (OpenAI error codes guide:
 * https://platform.openai.com/docs/guides/error-codes).
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'api_error'
  | 'timeout_error'
  | 'upstream_error';

/** The body of an OpenAI error response. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | number | null };
}

/** Options for {@link GatewayError}. */
export interface GatewayErrorOptions {
  type?: OpenAIErrorType | string;
  param?: string | null;
  /** The gateway's own code for the failure. */
  code?: ErrorCode | null;
  /** The upstream's own `code`, relayed as it sent it (wins over `code`). */
  upstreamCode?: string | number | null;
  /** Extra response headers, e.g. `retry-after` (seconds). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error with an HTTP status that the HTTP layer turns into the OpenAI envelope.
 * Providers throw it (or {@link UpstreamError}) for anything a client should see. Its text fields pass
 * through the process's {@link secretRedactor}, since they often quote an upstream.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | number | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(secretRedactor.redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.type = secretRedactor.redact(options.type ?? errorTypeForStatus(status));
    this.param = secretRedactor.redactValue(options.param ?? null);
    this.code = secretRedactor.redactValue(options.upstreamCode ?? options.code ?? null);
    this.headers = options.headers ?? {};
  }

  /** The OpenAI envelope for this error. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Why an upstream call failed; `retryable` tells routing whether another attempt may succeed. */
export type UpstreamFailure = 'connect' | 'timeout' | 'status' | 'protocol';

/** The gateway's code for each kind of upstream failure; a `status` failure relays the upstream's own code. */
const FAILURE_CODES: Readonly<Record<Exclude<UpstreamFailure, 'status'>, ErrorCode>> = {
  connect: 'upstream_connection_error',
  timeout: 'upstream_timeout',
  protocol: 'upstream_protocol_error',
};

/**
 * A failure of the upstream (provider) call. `retryable` is true for connect errors, timeouts,
 * and statuses 408, 429, 500, 502, 503, 504. `retryAfterMs` is parsed from the upstream's `Retry-After`.
 * `code` is one per failure kind (`upstream_connection_error`, `upstream_timeout`, `upstream_protocol_error`)
 * unless the options name one; a `status` failure carries the upstream's own code, if any.
 */
export class UpstreamError extends GatewayError {
  readonly failure: UpstreamFailure;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    status: number,
    message: string,
    options: GatewayErrorOptions & { failure: UpstreamFailure; retryAfterMs?: number },
  ) {
    super(status, message, {
      ...options,
      code: options.code ?? (options.failure === 'status' ? null : FAILURE_CODES[options.failure]),
    });
    this.name = 'UpstreamError';
    this.failure = options.failure;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable =
      options.failure !== 'protocol' && (options.failure !== 'status' || RETRYABLE_STATUSES.has(status));
  }
}

/** Upstream statuses worth retrying on another attempt or deployment. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** A 400 for a missing or invalid request field; `param` names the field (e.g. `messages`, `max_tokens`). */
export function invalidParam(param: string, message: string): GatewayError {
  return new GatewayError(400, message, { param, code: 'invalid_value' });
}
