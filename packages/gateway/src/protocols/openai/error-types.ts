/**
 * Provider error kinds onto OpenAI's error `type`s, so an OpenAI client sees the same six kinds whichever
 * provider failed (OpenAI API reference, "Error codes": https://platform.openai.com/docs/guides/error-codes).
 * The provider's own kind (Gemini's `RESOURCE_EXHAUSTED`, Anthropic's `overloaded_error`, vLLM's
 * `BadRequestError`) stays readable in the message.
 */

/** The error `type`s OpenAI clients know. */
export type OpenAIErrorKind =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

const KINDS: ReadonlySet<string> = new Set<OpenAIErrorKind>([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'server_error',
]);

/** The OpenAI error type of an HTTP status: 401, 403, 404, 429 by name, other 4xx invalid, 5xx server. */
export function errorKindOfStatus(status: number): OpenAIErrorKind {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * An upstream error's `type` and message for an OpenAI client: an OpenAI type is kept; any other provider
 * kind is replaced by the type of the status and appended to the message in parentheses (unless the
 * message already names it), e.g. Gemini's 429 `RESOURCE_EXHAUSTED` → `rate_limit_error`, message
 * "Resource has been exhausted (RESOURCE_EXHAUSTED)".
 * @param status the HTTP status the client gets
 * @param providerKind the provider's own error kind, if it sent one
 */
export function toOpenAIErrorKind(
  status: number,
  providerKind: string | undefined,
  message: string,
): { type: OpenAIErrorKind; message: string } {
  if (providerKind !== undefined && KINDS.has(providerKind)) {
    return { type: providerKind as OpenAIErrorKind, message };
  }
  const type = errorKindOfStatus(status);
  if (!providerKind || message.includes(providerKind)) return { type, message };
  return { type, message: message ? `${message} (${providerKind})` : providerKind };
}
