/**
 * Gateway errors in the OpenAI error envelope `{"error": {"message", "type", "param", "code"}}`
 * (OpenAI error codes guide: https://platform.openai.com/docs/guides/error-codes). Every failure a client sees is one
 * of these; nothing else leaves the server.
 */

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
  code?: string | number | null;
  /** Extra response headers, e.g. `retry-after` (seconds). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error with an HTTP status that the HTTP layer turns into the OpenAI envelope.
 * Providers throw it (or {@link UpstreamError}) for anything a client should see.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | number | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.type = options.type ?? defaultType(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI envelope for this error. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Why an upstream call failed; `retryable` tells routing whether another attempt may succeed. */
export type UpstreamFailure = 'connect' | 'timeout' | 'status' | 'protocol';

/**
 * A failure of the upstream (provider) call. `retryable` is true for connect errors, timeouts,
 * and statuses 408, 429, 500, 502, 503, 504. `retryAfterMs` is parsed from the upstream's `Retry-After`.
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
    super(status, message, options);
    this.name = 'UpstreamError';
    this.failure = options.failure;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable =
      options.failure !== 'protocol' && (options.failure !== 'status' || RETRYABLE_STATUSES.has(status));
  }
}

/** Upstream statuses worth retrying on another attempt or deployment. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

function defaultType(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A 400 for a missing or invalid request field; `param` names the field (e.g. `messages`, `max_tokens`). */
export function invalidParam(param: string, message: string): GatewayError {
  return new GatewayError(400, message, { param, code: 'invalid_value' });
}

/**
 * Normalizes any upstream error body into the OpenAI envelope: the OpenAI shape itself, vLLM's older flat
 * `{"object":"error","message","type","param","code"}` (vLLM error body since v0.10.1, vllm-project/vllm PR #22099:
 * https://github.com/vllm-project/vllm/pull/22099), Ollama's `{"error": "..."}`, Anthropic's
 * `{"type":"error","error":{"type","message"}}` and Gemini's `{"error":{"code","message","status"}}`. Falls back to
 * the raw text (truncated to 1,000 characters) when the body is not JSON.
 */
export function normalizeErrorBody(status: number, raw: string): OpenAIErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    const text = raw.trim().slice(0, 1000);
    return envelope(text || `upstream returned HTTP ${status}`, defaultType(status), null, null);
  }
  if (parsed && typeof parsed === 'object') {
    const obj = parsed as Record<string, unknown>;
    const inner = obj.error;
    if (inner && typeof inner === 'object') {
      const e = inner as Record<string, unknown>;
      const message = typeof e.message === 'string' ? e.message : JSON.stringify(e);
      const type =
        typeof e.type === 'string' ? e.type : typeof e.status === 'string' ? e.status : defaultType(status);
      return envelope(message, type, asParam(e.param), asCode(e.code));
    }
    if (typeof inner === 'string') return envelope(inner, defaultType(status), null, null);
    if (typeof obj.message === 'string') {
      const type = typeof obj.type === 'string' ? obj.type : defaultType(status);
      return envelope(obj.message, type, asParam(obj.param), asCode(obj.code));
    }
    if (typeof obj.detail === 'string') return envelope(obj.detail, defaultType(status), null, null);
  }
  return envelope(raw.slice(0, 1000), defaultType(status), null, null);
}

function envelope(message: string, type: string, param: string | null, code: string | number | null) {
  return { error: { message, type, param, code } };
}

function asParam(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function asCode(v: unknown): string | number | null {
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}
