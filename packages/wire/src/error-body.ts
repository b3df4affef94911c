/**
 * Reading the error bodies of the servers Switchyard talks to into OpenAI's error object
 * `{message, type, param, code}` (OpenAI error codes guide: https://platform.openai.com/docs/guides/error-codes).
 * Understood dialects:
 * - OpenAI's envelope `{"error": {"message", "type", "param", "code"}}`, which vLLM also sends since v0.10.1 with an
 *   integer `code` (vllm-project/vllm PR #22099: https://github.com/vllm-project/vllm/pull/22099);
 * - vLLM's older flat `{"object": "error", "message", "type", "param", "code"}`;
 * - Ollama's `{"error": "..."}` (Ollama docs, Errors: https://docs.ollama.com/api/errors) and vLLM's auth
 *   `{"error": "Unauthorized"}`;
 * - Anthropic's `{"type": "error", "error": {"type", "message"}}` (Anthropic API reference, Errors:
 *   https://docs.anthropic.com/en/api/errors);
 * - Google's `{"error": {"code", "message", "status"}}` (Gemini API troubleshooting:
 *   https://ai.google.dev/gemini-api/docs/troubleshooting), whose `status` becomes the `type`;
 * - FastAPI's `{"detail": ...}` (vLLM's request validation).
 */

/** OpenAI's error object, the `error` member of the error envelope. */
export interface ErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

/** The error `type` values {@link errorTypeForStatus} gives. */
export type StatusErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'server_error'
  | 'api_error';

/**
 * The OpenAI error `type` for an HTTP status when the body names none: 401 `authentication_error`, 403
 * `permission_error`, 404 `not_found_error`, 429 `rate_limit_error`, 504 `timeout_error`, other 5xx `server_error`,
 * anything else `invalid_request_error`; `api_error` when there is no status (an error inside a stream that began
 * with 200).
 */
export function errorTypeForStatus(status: number | undefined): StatusErrorType {
  if (status === undefined) return 'api_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The OpenAI error object a parsed error body stands for, in any of the dialects above.
 * @param status the HTTP status (undefined for an error inside a stream), used for the `type` when the body has none
 * @param body the parsed JSON body
 * @returns undefined when the body is not one of the dialects (not an object, or none of the fields above); the
 *   caller then falls back to the raw text
 */
export function readErrorBody(status: number | undefined, body: unknown): ErrorObject | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const obj = body as Record<string, unknown>;
  const inner = obj.error;
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    const type = typeof e.type === 'string' ? e.type : typeof e.status === 'string' ? e.status : undefined;
    return {
      message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
      type: type ?? errorTypeForStatus(status),
      param: asParam(e.param),
      code: asCode(e.code),
    };
  }
  if (typeof inner === 'string')
    return { message: inner, type: errorTypeForStatus(status), param: null, code: null };
  if (typeof obj.message === 'string') {
    return {
      message: obj.message,
      type: typeof obj.type === 'string' ? obj.type : errorTypeForStatus(status),
      param: asParam(obj.param),
      code: asCode(obj.code),
    };
  }
  if (obj.detail !== undefined) {
    const message = typeof obj.detail === 'string' ? obj.detail : JSON.stringify(obj.detail);
    return { message, type: errorTypeForStatus(status), param: null, code: null };
  }
  return undefined;
}

function asParam(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function asCode(v: unknown): string | number | null {
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}
