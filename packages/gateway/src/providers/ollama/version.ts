import { compareVersions } from '@switchyard/wire';
import { type OllamaEndpoint, VERSION_GATED_FIELDS } from './capabilities.js';
import type { OllamaTransport } from './transport.js';

/** How long a `GET /api/version` answer is trusted, in ms (Ollama may be upgraded while the gateway runs). */
const VERSION_TTL_MS = 60_000;
/** Time allowed for the version probe, in ms. */
const VERSION_TIMEOUT_MS = 5_000;

/**
 * Tells which version-gated fields (capabilities.ts) the Ollama server would ignore. Older servers drop
 * unknown JSON fields silently (e.g. `logprobs` before v0.12.11), so the gateway asks `GET /api/version`
 * (Ollama API docs, Conventions: https://github.com/ollama/ollama/blob/main/docs/api.md#conventions) once per minute,
 * and only when a request uses such a field.
 */
export class OllamaVersionGate {
  private cached: { version: string | undefined; at: number } | undefined;

  constructor(private readonly transport: OllamaTransport) {}

  /**
   * The version-gated fields set in `body` that the server's version cannot honour.
   * @returns field names for `applyUnsupportedParams`; empty when the version is unknown (probe failed or
   *   unparseable; failures are not cached), since the request itself then reports any real failure
   */
  async unhonoured(
    endpoint: OllamaEndpoint,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<string[]> {
    const used = VERSION_GATED_FIELDS.filter(
      (g) =>
        g.endpoints.includes(endpoint) &&
        body[g.field] !== undefined &&
        body[g.field] !== null &&
        body[g.field] !== false,
    );
    if (used.length === 0) return [];
    const version = await this.version(signal);
    if (version === undefined) return [];
    return used.filter((g) => compareVersions(version, g.minVersion) < 0).map((g) => g.field);
  }

  private async version(signal: AbortSignal): Promise<string | undefined> {
    if (this.cached && performance.now() - this.cached.at < VERSION_TTL_MS) return this.cached.version;
    try {
      const res = await this.transport.json<{ version?: unknown }>({
        method: 'GET',
        path: '/api/version',
        signal: AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]),
      });
      const version = typeof res.version === 'string' ? res.version : undefined;
      this.cached = { version, at: performance.now() };
      return version;
    } catch {
      return undefined;
    }
  }
}
