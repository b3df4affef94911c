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

/**
 * Compares `major.minor.patch` versions, ignoring pre-release suffixes (`0.33.0-rc2` counts as `0.33.0`).
 * @returns negative when a < b, 0 when equal, positive when a > b; 0 when either is unparseable (`0.0.0` dev
 *   builds included), so unknown versions are treated as current
 */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb || pa.every((n) => n === 0)) return 0;
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

function parse(version: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
