/**
 * Anthropic errors → the OpenAI envelope (Anthropic API reference, Errors: https://docs.anthropic.com/en/api/errors):
 * the body `{"type":"error","error":{"type","message"},"request_id"}` becomes `{error:{message, type, param: null,
 * code: null}}` with the same HTTP status and OpenAI's `type` for it (protocols/openai/error-types.ts; Anthropic's
 * own kinds that OpenAI lacks, such as `overloaded_error` or `api_error`, are kept in the message), except
 * 529 `overloaded_error`, which becomes 503 so that OpenAI clients treat it as a retryable server error.
 */
import type { Dispatcher } from 'undici';
import { UpstreamError } from '../../core/errors.js';
import { normalizeErrorBody } from '../../protocols/openai/error-body.js';
import { toOpenAIErrorKind } from '../../protocols/openai/error-types.js';
import { retryAfterOptions } from '../json-upstream.js';
import { readErrorBody } from '../openai-compatible/upstream-errors.js';

/**
 * Anthropic's overload status (Anthropic API reference, Errors); not a standard HTTP status, so it is sent to clients
 * as 503.
 */
const OVERLOADED_STATUS = 529;

/**
 * HTTP status of each Anthropic `error.type` (Anthropic API reference, Errors), for errors that arrive inside a 200
 * stream.
 */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 503,
};

/**
 * Maps a non-2xx Messages API response to an {@link UpstreamError}; keeps `retry-after`.
 * Bodies that are not Anthropic's shape (e.g. a proxy's HTML 413) are normalized generically.
 * @param status upstream status (529 is reported as 503)
 */
export async function anthropicStatusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Dispatcher.ResponseData['body'],
): Promise<UpstreamError> {
  const raw = await readErrorBody(body);
  const clientStatus = status === OVERLOADED_STATUS ? 503 : status;
  const fields = anthropicErrorFields(raw) ?? normalizeErrorBody(status, raw).error;
  const { message, type } = toOpenAIErrorKind(clientStatus, fields.type, fields.message);
  return new UpstreamError(clientStatus, message, {
    failure: 'status',
    type,
    ...retryAfterOptions(headers),
  });
}

/**
 * Maps the data of a streamed `event: error` (Anthropic API reference, Streaming Messages:
 * https://docs.anthropic.com/en/api/messages-streaming) to an {@link UpstreamError} with the status its `error.type`
 * has in the Anthropic API reference, Errors (502 for unknown types).
 * @param data the event's JSON text
 */
export function anthropicStreamError(data: string): UpstreamError {
  const fields = anthropicErrorFields(data) ?? { message: data.slice(0, 1000), type: 'api_error' };
  const status = STATUS_BY_TYPE[fields.type] ?? 502;
  const { message, type } = toOpenAIErrorKind(status, fields.type, fields.message);
  return new UpstreamError(status, message, { failure: 'status', type });
}

function anthropicErrorFields(raw: string): { message: string; type: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: { type?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.type !== 'string') return undefined;
  return { type: error.type, message: typeof error.message === 'string' ? error.message : error.type };
}
