import type { Capability, DiscoveredModel } from '../../provider.js';

/**
 * llama.cpp's capability names (`GET /v1/models` → `models[].capabilities`, the Ollama-style list llama-server
 * adds next to `data`) → the gateway's. `/tokenize` and `/detokenize` exist on every llama-server, so
 * `tokenize` is added whenever llama.cpp reports capabilities at all; a reranker (`rerank`) also serves vLLM's
 * `/score` through it.
 */
const CAPABILITIES: Record<string, Capability[]> = {
  completion: ['chat', 'completion'],
  embedding: ['embedding'],
  rerank: ['rerank', 'score'],
};

interface LlamaCppModelsAnswer {
  data?: { id?: unknown; created?: unknown; meta?: { n_ctx_train?: unknown } | null }[];
  models?: { name?: unknown; model?: unknown; capabilities?: unknown }[];
}

/**
 * Maps llama-server's `GET /v1/models` answer (llama.cpp tools/server/README.md: `data[]` with `id` and
 * `meta.n_ctx_train`, plus `models[]` with `capabilities`) to discovered models.
 * @param answer the parsed JSON
 * @param contextLength tokens per sequence the server runs with (`/props`), preferred over the training
 *   context `meta.n_ctx_train` for `maxModelLen`
 * @returns one entry per `data[]` item with a string id; `capabilities` only when llama.cpp reports them
 */
export function llamaCppModels(answer: unknown, contextLength: number | undefined): DiscoveredModel[] {
  const { data = [], models = [] } = (answer ?? {}) as LlamaCppModelsAnswer;
  return data
    .filter((m) => typeof m.id === 'string')
    .map((m) => {
      const id = m.id as string;
      const listed =
        models.find((x) => x.model === id || x.name === id) ?? (models.length === 1 ? models[0] : undefined);
      const capabilities = mapCapabilities(listed?.capabilities);
      const trained = m.meta?.n_ctx_train;
      const maxModelLen = contextLength ?? (typeof trained === 'number' ? trained : undefined);
      return {
        id,
        ...(capabilities ? { capabilities } : {}),
        ...(maxModelLen ? { maxModelLen } : {}),
        ...(typeof m.created === 'number' ? { created: m.created } : {}),
      };
    });
}

function mapCapabilities(reported: unknown): Capability[] | undefined {
  if (!Array.isArray(reported)) return undefined;
  const out = new Set<Capability>();
  for (const name of reported) for (const c of CAPABILITIES[name as string] ?? []) out.add(c);
  out.add('tokenize');
  return [...out];
}

/**
 * Reads the per-sequence context size from llama-server's `GET /props` answer
 * (`default_generation_settings.n_ctx`, llama.cpp tools/server/README.md).
 * @returns tokens, or undefined when absent
 */
export function propsContextLength(props: unknown): number | undefined {
  const n = (props as { default_generation_settings?: { n_ctx?: unknown } } | null)
    ?.default_generation_settings?.n_ctx;
  return typeof n === 'number' && n > 0 ? n : undefined;
}
