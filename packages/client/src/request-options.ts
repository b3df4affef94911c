/**
 * Per-call options: the `openai` SDK's request options plus the escape hatches `extraBody` / `extraHeaders`
 * (the Python SDK's `extra_body` / `extra_headers`) and `requestId` (sent as `X-Request-Id`).
 */
import type { OpenAI } from 'openai';

type RequestOptions = OpenAI.RequestOptions;

/** The SDK's request options as passed to its transport. */
export type SdkRequestOptions = RequestOptions;

/** Options accepted by every client method (second argument, like the SDK's `RequestOptions`). */
export interface ClientRequestOptions
  extends Pick<RequestOptions, 'headers' | 'maxRetries' | 'timeout' | 'signal' | 'query' | 'fetchOptions'> {
  /** JSON fields merged over the request body and sent as given, e.g. a server field this library does not type. */
  extraBody?: Record<string, unknown>;
  /** Headers added to this request; `null` removes a default header. */
  extraHeaders?: Record<string, string | null>;
  /**
   * Sent as `X-Request-Id`. vLLM (with `--enable-request-id-headers`, vLLM docs, OpenAI-Compatible Server:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and Switchyard use it as the request id and
   * echo it, which the SDK exposes as `_request_id` / `APIError.requestID`.
   */
  requestId?: string;
}

/** Splits client options into the body additions and the SDK's request options. */
export function splitOptions(options: ClientRequestOptions | undefined): {
  extraBody: Record<string, unknown> | undefined;
  sdk: SdkRequestOptions;
} {
  if (!options) return { extraBody: undefined, sdk: {} };
  const { extraBody, extraHeaders, requestId, headers, ...rest } = options;
  const sdk: SdkRequestOptions = { ...rest };
  if (extraHeaders || requestId !== undefined) {
    sdk.headers = {
      ...headerRecord(headers),
      ...extraHeaders,
      ...(requestId === undefined ? {} : { 'X-Request-Id': requestId }),
    };
  } else if (headers !== undefined) {
    sdk.headers = headers;
  }
  return { extraBody, sdk };
}

/** The SDK's `HeadersLike` (a `Headers`, an entry list or a record) as a record; null values are kept. */
function headerRecord(headers: RequestOptions['headers']): Record<string, string | null> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers))
    return Object.fromEntries(headers.map(([name, value]) => [String(name), value ?? null]));
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === null) out[name] = null;
    else if (value !== undefined) out[name] = String(value);
  }
  return out;
}
