/**
 * The defaults a model was created with (`/api/create`'s `system` and `parameters`, kept by the provider's
 * model store) applied to a chat or generate request, as an Ollama server applies a Modelfile's `SYSTEM` and
 * `PARAMETER`s (Ollama Modelfile reference: https://github.com/ollama/ollama/blob/main/docs/modelfile.md): the
 * request's own `options` win over the parameters, and the system prompt is used only when the request has
 * none.
 */
import type { ModelRegistry } from '../../routing/model-registry.js';

/**
 * The request with its model's stored defaults applied; the same object when the model has none.
 * @param kind `chat` (the system prompt becomes a first system message) or `generate` (the `system` field)
 */
export async function withModelDefaults(
  registry: ModelRegistry,
  kind: 'chat' | 'generate',
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const first = registry.get(body.model as string)?.deployments[0];
  const defaults = first?.provider.modelStore
    ? await first.provider.modelStore.defaults(first.model)
    : undefined;
  if (!defaults) return body;
  const out = { ...body };
  const options = body.options;
  if (defaults.parameters && (options === undefined || (typeof options === 'object' && options !== null))) {
    out.options = { ...defaults.parameters, ...(options as Record<string, unknown> | undefined) };
  }
  if (defaults.system !== undefined) {
    if (kind === 'generate') out.system ??= defaults.system;
    else {
      const messages = body.messages as { role: string }[];
      if (!messages.some((m) => m.role === 'system')) {
        out.messages = [{ role: 'system', content: defaults.system }, ...messages];
      }
    }
  }
  return out;
}
