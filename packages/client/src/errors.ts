/**
 * Errors. HTTP failures are the `openai` SDK's classes (`BadRequestError`, `NotFoundError`, `RateLimitError`, …,
 * chosen by status as in openai-node README, Handling errors: https://github.com/openai/openai-node#handling-errors)
 * on every platform, built from a normalized body so that `message`, `type`, `param` and `code` are filled whatever
 * the server's error dialect. Two subclasses mark failures worth catching on their own; two client-side errors report
 * what the platform cannot do.
 */
import { APIError, BadRequestError, NotFoundError, OpenAIError } from 'openai';

/** The OpenAI error object (`body.error`) as the SDK reads it. */
export interface ErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

/**
 * 400 because the model has no chat template and the request did not supply one (vLLM: "…you must provide a chat
 * template if the tokenizer does not define one"). Fix: pass `chat_template` or configure `vllm.chatTemplate`.
 */
export class MissingChatTemplateError extends BadRequestError {}

/**
 * 404 for a model the server does not have: Ollama `model 'x' not found` (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions), vLLM/OpenAI "The model `x` does not exist".
 * `model` is the name taken from the message, when it names one.
 */
export class ModelNotFoundError extends NotFoundError {
  readonly model: string | undefined;

  constructor(status: 404, error: ErrorObject, message: string | undefined, headers: Headers) {
    super(status, error, message, headers);
    this.model = /model [`'"]([^`'"]+)[`'"]/.exec(error.message)?.[1];
  }
}

/** A platform-specific method called on a client of another platform (e.g. `tokenizer.encode` on Ollama). */
export class UnsupportedPlatformError extends OpenAIError {
  readonly method: string;
  readonly platform: string;

  constructor(method: string, platform: string) {
    super(`${method} is not supported on the ${platform} platform`);
    this.method = method;
    this.platform = platform;
  }
}

/** A request parameter the platform cannot honour, under `unsupportedParams: 'error'` (the default). */
export class UnsupportedParamError extends OpenAIError {
  readonly param: string;
  readonly platform: string;

  constructor(param: string, platform: string, reason: string) {
    super(`${param} is not supported on the ${platform} platform: ${reason}`);
    this.param = param;
    this.platform = platform;
  }
}

/**
 * Reads any server's error body into the OpenAI error object: the OpenAI envelope, vLLM's flat
 * `{"object":"error","message",…,"code":400}` (vLLM error body since v0.10.1, vllm-project/vllm PR #22099:
 * https://github.com/vllm-project/vllm/pull/22099), vLLM's auth `{"error":"Unauthorized"}`, Ollama's `{"error":"…"}`
 * (Ollama API docs, Streaming responses: https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses),
 * FastAPI's `{"detail":…}`, or non-JSON text.
 */
export function normalizeError(
  status: number | undefined,
  body: unknown,
  text: string | undefined,
): ErrorObject {
  const type = defaultType(status);
  if (body && typeof body === 'object') {
    const obj = body as Record<string, unknown>;
    const inner = obj.error;
    if (inner && typeof inner === 'object') {
      const e = inner as Record<string, unknown>;
      return {
        message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
        type: typeof e.type === 'string' ? e.type : type,
        param: typeof e.param === 'string' ? e.param : null,
        code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : null,
      };
    }
    if (typeof inner === 'string') return { message: inner, type, param: null, code: null };
    if (typeof obj.message === 'string') {
      const code = typeof obj.code === 'string' || typeof obj.code === 'number' ? obj.code : null;
      return {
        message: obj.message,
        type: typeof obj.type === 'string' ? obj.type : type,
        param: null,
        code,
      };
    }
    if (obj.detail !== undefined) {
      const detail = typeof obj.detail === 'string' ? obj.detail : JSON.stringify(obj.detail);
      return { message: detail, type, param: null, code: null };
    }
  }
  const message = text?.trim().slice(0, 1000) || (status ? `HTTP ${status}` : 'error');
  return { message, type, param: null, code: null };
}

/**
 * The SDK error for an HTTP failure: `APIError.generate` on the normalized body, or one of the subclasses above.
 * @param body the parsed JSON body, when it was JSON
 * @param text the raw body, when it was not JSON
 */
export function statusError(
  status: number,
  body: unknown,
  text: string | undefined,
  headers: Headers,
): APIError {
  const error = normalizeError(status, body, text);
  if (status === 400 && /chat.?template/i.test(error.message)) {
    return new MissingChatTemplateError(400, error, undefined, headers);
  }
  if (status === 404 && /model .*(not found|does not exist)/i.test(error.message)) {
    return new ModelNotFoundError(404, error, undefined, headers);
  }
  return APIError.generate(status, { error }, undefined, headers);
}

/** An error reported inside a stream that had already started with HTTP 200 (no status, like the SDK's). */
export function streamError(body: unknown, headers: Headers): APIError {
  return new APIError(undefined, normalizeError(undefined, body, undefined), undefined, headers);
}

function defaultType(status: number | undefined): string {
  if (status === undefined) return 'api_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
