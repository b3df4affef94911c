/**
 * Gemini (Google RPC style) errors → the OpenAI envelope (Gemini API troubleshooting, error codes:
 * https://ai.google.dev/gemini-api/docs/troubleshooting): `{error:{code, message, status, details}}` becomes
 * `{error:{message: "<message> (<status>)", type, param: null, code: String(code)}}` with the same HTTP status
 * and OpenAI's `type` for it (protocols/openai/error-types.ts: `RESOURCE_EXHAUSTED` → `rate_limit_error`, ...). A
 * rejected API key arrives as 400 `INVALID_ARGUMENT` with the `ErrorInfo` reason `API_KEY_INVALID` (an example
 * in Gemini API troubleshooting, error codes); it is reported as 401 `authentication_error` so OpenAI clients
 * raise their authentication error. A 429's retry delay comes from the `google.rpc.RetryInfo` detail
 * (`retryDelay: "7s"`) when there is no `Retry-After` header (Google Cloud API design guide, "Errors":
 * https://cloud.google.com/apis/design/errors#error_details; Gemini API "Rate limits":
 * https://ai.google.dev/gemini-api/docs/rate-limits).
 */
import type { Dispatcher } from 'undici';
import { UpstreamError } from '../../core/errors.js';
import { normalizeErrorBody } from '../../protocols/openai/error-body.js';
import { toOpenAIErrorKind } from '../../protocols/openai/error-types.js';
import { retryAfterOptions } from '../json-upstream.js';
import { readErrorBody } from '../openai-compatible/upstream-errors.js';

/** The `error` member of a Google RPC error body. */
export interface GeminiErrorObject {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; reason?: string; retryDelay?: unknown }[];
}

/** The `@type` of Google's retry-delay detail. */
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

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
  const details = Array.isArray(error.details) ? error.details : [];
  const retry = extra.retryAfterMs === undefined ? retryInfoOptions(details) : extra;
  if (details.some((d) => d.reason === 'API_KEY_INVALID')) {
    const { message } = toOpenAIErrorKind(401, error.status, error.message ?? 'API key not valid');
    return new UpstreamError(401, message, {
      failure: 'status',
      type: 'authentication_error',
      upstreamCode: 'API_KEY_INVALID',
      ...retry,
    });
  }
  const { type, message } = toOpenAIErrorKind(
    status,
    error.status,
    error.message ?? `Gemini returned HTTP ${status}`,
  );
  return new UpstreamError(status, message, {
    failure: 'status',
    type,
    upstreamCode: String(error.code ?? status),
    ...retry,
  });
}

/** The retry delay of a `google.rpc.RetryInfo` detail (a protobuf Duration in JSON: `"7s"`, `"0.5s"`). */
function retryInfoOptions(details: NonNullable<GeminiErrorObject['details']>): {
  headers: Record<string, string>;
  retryAfterMs?: number;
} {
  const delay = details.find((d) => d['@type'] === RETRY_INFO)?.retryDelay;
  const m = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
  if (!m) return { headers: {} };
  const retryAfterMs = Number(m[1]) * 1000;
  return { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }, retryAfterMs };
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
