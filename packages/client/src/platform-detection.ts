/**
 * `platform: 'auto'`: which server is behind a base URL, from the version routes each one serves at its root:
 * `GET /version` on vLLM (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and on Switchyard (which marks its answer
 * with `server: "switchyard"`), `GET /api/version` on Ollama (Ollama API docs, Version:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#version). A server that answers neither is taken for
 * OpenAI (or another server that only speaks its API).
 */
import { APIConnectionError } from 'openai';
import type { Fetch } from './config.js';
import type { Platform } from './platforms/names.js';
import { rootURL } from './urls.js';

/** How to reach the server being probed. */
export interface DetectionOptions {
  /** The server's URL, with or without `/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <key>` when given. */
  apiKey?: string | undefined;
  /** Sent with both probes. */
  defaultHeaders?: Record<string, string> | undefined;
  /** Default: the global `fetch`. */
  fetch?: Fetch | undefined;
  /** Per-probe timeout in ms (default 10,000). */
  timeout?: number | undefined;
}

/** Per-probe timeout when none is given, ms. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Probes `GET <root>/version`, then `GET <root>/api/version` (root: `baseURL` without `/v1`).
 * @returns `switchyard` for a `/version` answer with `server: "switchyard"`, `vllm` for another `/version` answer
 *   with a `version` string, `ollama` for an `/api/version` one, else `openai`
 * @throws {APIConnectionError} (rejected) when the server cannot be reached at all
 */
export async function detectPlatform(options: DetectionOptions): Promise<Platform> {
  const root = rootURL(options.baseURL);
  const probe = probeWith(options);
  const version = await probe(`${root}/version`);
  if (version.reachable && typeof version.body?.version === 'string') {
    return version.body.server === 'switchyard' ? 'switchyard' : 'vllm';
  }
  const ollama = await probe(`${root}/api/version`);
  if (ollama.reachable && typeof ollama.body?.version === 'string') return 'ollama';
  if (!version.reachable && !ollama.reachable) {
    throw new APIConnectionError({
      message: `could not reach ${root} to detect its platform`,
      cause: version.error instanceof Error ? version.error : undefined,
    });
  }
  return 'openai';
}

/** What one probe found: `reachable` with the JSON object it answered (if any), or the network error. */
type Probe =
  | { reachable: true; body: Record<string, unknown> | undefined }
  | { reachable: false; error: unknown };

function probeWith(options: DetectionOptions): (url: string) => Promise<Probe> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json', ...options.defaultHeaders };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  return async (url) => {
    let res: Response;
    try {
      res = await fetchFn(url, { headers, signal: AbortSignal.timeout(options.timeout ?? PROBE_TIMEOUT_MS) });
    } catch (error) {
      return { reachable: false, error };
    }
    if (!res.ok) {
      await res.body?.cancel();
      return { reachable: true, body: undefined };
    }
    const body: unknown = await res.json().catch(() => undefined);
    return {
      reachable: true,
      body: typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined,
    };
  };
}
