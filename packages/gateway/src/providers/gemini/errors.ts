/**
 * Gemini (Google RPC style) errors → the OpenAI envelope (Gemini API troubleshooting, error codes:
 * https://ai.google.dev/gemini-api/docs/troubleshooting): `{error:{code, message, status, details}}` becomes
 * `{error:{message, type: status, param: null, code: String(code)}}` with the same HTTP status. One exception: a
 * rejected API key arrives as 400 `INVALID_ARGUMENT` with the `ErrorInfo` reason `API_KEY_INVALID` (an example in
 * Gemini API troubleshooting, error codes); it is reported as 401 `authentication_error` so OpenAI clients raise
 * their authentication error.
 */
import type { Dispatcher } from 'undici';
import { normalizeErrorBody, UpstreamError } from '../../http/errors.js';
import { retryAfterOptions } from '../json-upstream.js';
import { readErrorBody } from '../openai-compatible/upstream-errors.js';

/** The `error` member of a Google RPC error body. */
export interface GeminiErrorObject {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; reason?: string }[];
}

/**
 * Maps a non-2xx Gemini response to an {@link UpstreamError}; keeps `retry-after`.
 * @param status upstream HTTP status
 */
export async function geminiStatusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Dispatcher.ResponseData['body'],
): Promise<UpstreamError> {
  const raw = await readErrorBody(body);
  const extra = retryAfterOptions(headers);
  const error = parseGeminiError(raw);
  if (!error) {
    const envelope = normalizeErrorBody(status, raw).error;
    return new UpstreamError(status, envelope.message, { failure: 'status', type: envelope.type, ...extra });
  }
  return geminiError(error, status, extra);
}

/**
 * Maps an `error` object found inside a stream (Gemini API reference, streamGenerateContent:
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent) or a body.
 * @param error the `error` member
 * @param status HTTP status when known; otherwise `error.code` (502 when absent)
 */
export function geminiError(
  error: GeminiErrorObject,
  status: number = typeof error.code === 'number' ? error.code : 502,
  extra: { headers?: Record<string, string>; retryAfterMs?: number } = {},
): UpstreamError {
  const message = error.message ?? error.status ?? `Gemini returned HTTP ${status}`;
  if (error.details?.some((d) => d.reason === 'API_KEY_INVALID')) {
    return new UpstreamError(401, message, {
      failure: 'status',
      type: 'authentication_error',
      code: 'API_KEY_INVALID',
      ...extra,
    });
  }
  return new UpstreamError(status, message, {
    failure: 'status',
    type: error.status ?? 'upstream_error',
    code: String(error.code ?? status),
    ...extra,
  });
}

function parseGeminiError(raw: string): GeminiErrorObject | undefined {
  try {
    const parsed = JSON.parse(raw) as { error?: unknown };
    return typeof parsed?.error === 'object' && parsed.error !== null
      ? (parsed.error as GeminiErrorObject)
      : undefined;
  } catch {
    return undefined;
  }
}
