/**
 * The served models as Ollama's listings see them: each gateway model id with the file facts of its first
 * deployment, when that deployment's provider serves files (`describeModel`).
 */
import { GatewayError } from '../../core/errors.js';
import type { ListedModel } from '../../protocols/ollama/model-listing.js';
import type { ModelRegistry, ServedModel } from '../../routing/model-registry.js';

/**
 * Describes one served model.
 * @throws whatever the provider's `describeModel` throws (a file that vanished or is not a model file)
 */
export async function listedModel(model: ServedModel): Promise<ListedModel> {
  const first = model.deployments[0];
  const facts = first?.provider.describeModel ? await first.provider.describeModel(first.model) : undefined;
  return {
    id: model.id,
    created: model.created,
    embeds: model.capabilities?.includes('embedding') ?? false,
    ...(facts ? { facts } : {}),
    ...(model.maxModelLen !== undefined ? { contextLength: model.maxModelLen } : {}),
    ...(first?.options.params ? { params: first.options.params } : {}),
  };
}

/**
 * Every served model; one whose file cannot be read is listed without file facts rather than failing the
 * whole listing.
 */
export async function listedModels(registry: ModelRegistry): Promise<ListedModel[]> {
  return Promise.all(
    registry.list().map((model) =>
      listedModel(model).catch(() => ({
        id: model.id,
        created: model.created,
        embeds: model.capabilities?.includes('embedding') ?? false,
      })),
    ),
  );
}

/** True when a deployment of `model` has its weights in memory now (`loadedModels` of its provider). */
export function isLoaded(model: ServedModel): boolean {
  return model.deployments.some((d) => d.provider.loadedModels?.includes(d.model) ?? false);
}

/**
 * The served model a request names.
 * @throws GatewayError 404 `model_not_found` when the gateway serves no such model
 */
export function servedModel(registry: ModelRegistry, name: string): ServedModel {
  const model = registry.get(name);
  if (!model) throw new GatewayError(404, `model '${name}' not found`, { code: 'model_not_found' });
  return model;
}
