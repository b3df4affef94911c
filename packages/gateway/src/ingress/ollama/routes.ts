import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../../routing/model-registry.js';
import type { Router } from '../../routing/router.js';
import { registerOllamaListingRoutes } from './listing-routes.js';

/** Dependencies of the Ollama routes. */
export interface OllamaRouteDeps {
  registry: ModelRegistry;
  router: Router;
}

/**
 * Registers Ollama's native API as an ingress (Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md): the probe and listing routes (listing-routes.ts).
 * Every error on them is written in Ollama's `{"error": "..."}` envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerOllamaRoutes(app: FastifyInstance, deps: OllamaRouteDeps): Map<string, string[]> {
  return new Map([...registerOllamaListingRoutes(app, deps.registry)]);
}
