/**
 * Gateway errors in Anthropic's error envelope `{"type":"error","error":{"type","message"},"request_id"}`
 * with Anthropic's statuses (Anthropic API reference, Errors: https://docs.anthropic.com/en/api/errors).
 */
import { GatewayError } from '../../core/errors.js';

/** Anthropic's `error.type` values (Errors reference, "HTTP errors"). */
const ERROR_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/** Anthropic's overload status (Errors reference: 529 `overloaded_error`). */
export const OVERLOADED_STATUS = 529;

/** The body of an Anthropic error response. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

/**
 * The status and body to send: the error's own type when it is one of Anthropic's (an Anthropic upstream's
 * error keeps its type), else the type of its status (400 `invalid_request_error`, 401
 * `authentication_error`, 403 `permission_error`, 404 `not_found_error`, 413 `request_too_large`, 429
 * `rate_limit_error`, 504 `timeout_error`, other 5xx `api_error`). 503 (every deployment cooling down, an
 * overloaded upstream, shutdown) is sent as Anthropic's 529 `overloaded_error`, which its SDK retries.
 * @param requestId the gateway request id, sent as `request_id`
 */
export function anthropicError(
  error: GatewayError,
  requestId?: string,
): { status: number; body: AnthropicErrorBody } {
  const status = error.status === 503 ? OVERLOADED_STATUS : error.status;
  const type = ERROR_TYPES.has(error.type) ? error.type : typeOfStatus(status);
  return {
    status,
    body: {
      type: 'error',
      error: { type, message: error.message },
      ...(requestId !== undefined ? { request_id: requestId } : {}),
    },
  };
}

/**
 * The `event: error` frame that ends a stream failing after it began (Messages reference, "Streaming
 * messages": error events).
 * @param err anything thrown while streaming; non-gateway errors become a 502 `api_error`
 */
export function anthropicErrorEvent(err: unknown): string {
  const error =
    err instanceof GatewayError
      ? err
      : new GatewayError(502, `upstream stream failed: ${(err as Error)?.message ?? String(err)}`);
  const { body } = anthropicError(error);
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}

function typeOfStatus(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case OVERLOADED_STATUS:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}
