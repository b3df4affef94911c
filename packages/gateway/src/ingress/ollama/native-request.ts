import type { FastifyRequest } from 'fastify';
import type { NativeRequest } from '../../providers/provider.js';
import type { ModelRegistry } from '../../routing/model-registry.js';

/**
 * The client's Ollama request as it came in, for a deployment on an `ollama` provider, which serves it as is
 * instead of the canonical translation (see `ProviderRequest.native`). No client header is forwarded.
 * @param path the Ollama route it goes to upstream, e.g. `/api/chat`
 */
export function nativeRequest(request: FastifyRequest, path: string): NativeRequest {
  return {
    protocol: 'ollama',
    path,
    body: request.body as Record<string, unknown>,
    ...(request.rawBody ? { rawBody: request.rawBody } : {}),
    headers: {},
  };
}

/**
 * True when every deployment of `model` is on an `ollama` provider, so the request is only ever served as it
 * came: the canonical translation (and its refusals of `context`, `template`) does not apply.
 */
export function servedNatively(registry: ModelRegistry, model: string): boolean {
  const deployments = registry.get(model)?.deployments ?? [];
  return deployments.length > 0 && deployments.every((d) => d.provider.type === 'ollama');
}
