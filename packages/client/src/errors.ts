/**
 * Errors. HTTP failures are the `openai` SDK's classes (`BadRequestError`, `NotFoundError`, `RateLimitError`, …,
 * chosen by status as in openai-node README, Handling errors: https://github.com/openai/openai-node#handling-errors)
 * on every platform, built from a normalized body so that `message`, `type`, `param` and `code` are filled whatever
 * the server's error dialect. Two subclasses mark failures worth catching on their own; two client-side errors report
 * what the platform cannot do.
 */
import { type ErrorObject, errorTypeForStatus, readErrorBody } from '@switchyard/wire';
import { APIError, BadRequestError, NotFoundError, OpenAIError } from 'openai';

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

/** A call on a client after its `close()`: nothing is sent and nothing is retried. */
export class ClientClosedError extends OpenAIError {
  constructor() {
    super('client closed: this OpenAICompatibleClient was closed with close(); create a new one');
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
 * Reads any server's error body into the OpenAI error object, with the dialects `readErrorBody` of
 * `@switchyard/wire` understands (the OpenAI envelope, vLLM's flat body and its auth `{"error":"Unauthorized"}`,
 * Ollama's `{"error":"…"}`, FastAPI's `{"detail":…}`, Anthropic's and Google's shapes). Anything else becomes its
 * raw text (trimmed, at most 1,000 characters), or `HTTP <status>` when there is none.
 */
export function normalizeError(
  status: number | undefined,
  body: unknown,
  text: string | undefined,
): ErrorObject {
  const read = readErrorBody(status, body);
  if (read) return read;
  const message = text?.trim().slice(0, 1000) || (status ? `HTTP ${status}` : 'error');
  return { message, type: errorTypeForStatus(status), param: null, code: null };
}

/**
 * The refusals of a chat request for want of a chat template, and nothing else that mentions one (a template with a
 * syntax error stays a plain `BadRequestError`): vLLM's "…you must provide a chat template if the tokenizer does not
 * define one" (vLLM source, vllm/entrypoints/chat_utils.py), Hugging Face transformers' "Cannot use chat template
 * functions because tokenizer.chat_template is not set…" (transformers source, tokenization_utils_base.py), and the
 * "does not have a chat template" / "no chat template" forms of servers that word it that way.
 */
const MISSING_CHAT_TEMPLATE =
  /must provide a chat template|chat_template is not set|does not (?:define|have) a chat template|\bno chat template (?:is )?(?:set|defined|found|available|provided)/i;

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
  if (status === 400 && MISSING_CHAT_TEMPLATE.test(error.message)) {
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
