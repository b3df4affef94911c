import type { OllamaModel, OllamaShowResponse } from '@switchyard/wire';
import { GatewayError } from '../../core/errors.js';
import type { Capability, DiscoveredModel } from '../provider.js';
import { ollamaProtocolError } from './errors.js';
import type { OllamaTransport } from './transport.js';

/** Time allowed for one discovery pass (tags plus the show calls), in ms. */
const DISCOVERY_TIMEOUT_MS = 15_000;
/** `POST /api/show` calls in flight at once. */
const SHOW_CONCURRENCY = 4;

/**
 * Ollama capability names (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md) → gateway
 * capabilities; `tools`, `vision`, `thinking` add none.
 */
const CAPABILITIES: Readonly<Record<string, Capability[]>> = {
  completion: ['chat', 'completion'],
  embedding: ['embedding'],
};

/**
 * Lists the models of an Ollama server: `GET /api/tags` for names, then `POST /api/show` per model for its
 * capabilities and context length (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md). Show
 * answers are cached by name and digest, so a periodic refresh only asks about models that were pulled or changed
 * since.
 */
export class OllamaDiscovery {
  private cache = new Map<string, DiscoveredModel>();

  constructor(private readonly transport: OllamaTransport) {}

  /**
   * The server's models in `/api/tags` order, each with capabilities, context length (tokens) and `created`
   * (Unix seconds, from `modified_at`) where known.
   * @throws UpstreamError when `/api/tags` fails (the server is unreachable or broken); a failing
   *   `/api/show` only leaves that model's capabilities unknown
   */
  async list(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const probe = AbortSignal.any([signal, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)]);
    const tags = await this.transport.json<{ models?: OllamaModel[] }>({
      method: 'GET',
      path: '/api/tags',
      signal: probe,
    });
    if (!Array.isArray(tags.models)) throw ollamaProtocolError('/api/tags has no models array');
    const entries = tags.models.filter((m) => typeof m?.name === 'string');
    const next = new Map<string, DiscoveredModel>();
    const result: DiscoveredModel[] = new Array(entries.length);
    let cursor = 0;
    const worker = async () => {
      while (cursor < entries.length) {
        const i = cursor++;
        const entry = entries[i]!;
        const key = `${entry.name}@${entry.digest ?? ''}`;
        const known = this.cache.get(key);
        const described = known ? { model: known, shown: true } : await this.describe(entry, probe);
        if (described.shown) next.set(key, described.model);
        result[i] = described.model;
      }
    };
    await Promise.all(Array.from({ length: Math.min(SHOW_CONCURRENCY, entries.length) }, worker));
    this.cache = next;
    return result;
  }

  /** One model from its tags entry and `/api/show`; `shown` is false when the show call failed. */
  private async describe(
    entry: OllamaModel,
    signal: AbortSignal,
  ): Promise<{ model: DiscoveredModel; shown: boolean }> {
    const model: DiscoveredModel = { id: entry.name };
    const modified = entry.modified_at ? Date.parse(entry.modified_at) : Number.NaN;
    if (!Number.isNaN(modified)) model.created = Math.floor(modified / 1000);
    let show: OllamaShowResponse | undefined;
    try {
      show = await this.transport.json<OllamaShowResponse>({
        method: 'POST',
        path: '/api/show',
        body: { model: entry.name },
        signal,
      });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
    }
    const names = show?.capabilities ?? entry.capabilities;
    if (Array.isArray(names)) model.capabilities = [...new Set(names.flatMap((c) => CAPABILITIES[c] ?? []))];
    const info = show?.model_info ?? {};
    const arch = info['general.architecture'];
    const contextLength = typeof arch === 'string' ? info[`${arch}.context_length`] : undefined;
    if (typeof contextLength === 'number') model.maxModelLen = contextLength;
    return { model, shown: show !== undefined };
  }
}
