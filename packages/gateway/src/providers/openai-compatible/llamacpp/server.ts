import { UpstreamError } from '../../../core/errors.js';
import type { ProviderRequest } from '../../provider.js';

/**
 * A llama.cpp `llama-server` as the translators in this folder see it (llama.cpp tools/server/README.md):
 * JSON calls to its native routes and the context size it serves.
 */
export interface LlamaCppServer {
  /** Provider id, for error messages. */
  readonly providerId: string;
  /**
   * POSTs JSON to a native route at the server root (`/tokenize`, `/detokenize`, `/apply-template`, `/rerank`).
   * @throws UpstreamError with llama.cpp's status and message
   */
  post(path: string, body: unknown, req: ProviderRequest): Promise<unknown>;
  /**
   * POSTs JSON to an OpenAI route below `base_url` (e.g. `/embeddings`).
   * @throws UpstreamError with llama.cpp's status and message
   */
  postOpenAI(path: string, body: unknown, req: ProviderRequest): Promise<unknown>;
  /** Tokens per sequence the server accepts (`/props` `default_generation_settings.n_ctx`), if known. */
  contextLength(signal: AbortSignal): Promise<number | undefined>;
}

/**
 * Reads a field of an upstream JSON answer that must be present.
 * @throws UpstreamError 502 (`upstream_protocol_error`) naming the route and field when `check` fails
 */
export function expectField<T>(
  server: LlamaCppServer,
  route: string,
  body: unknown,
  field: string,
  check: (value: unknown) => value is T,
): T {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (!check(value)) {
    throw new UpstreamError(
      502,
      `upstream provider '${server.providerId}' answered ${route} without a valid '${field}'`,
      { failure: 'protocol' },
    );
  }
  return value;
}

/** Type guard: an array. */
export const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
/** Type guard: a string. */
export const isString = (v: unknown): v is string => typeof v === 'string';
/** Type guard: a plain object. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
