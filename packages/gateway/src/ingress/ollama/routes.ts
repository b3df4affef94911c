import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../../routing/model-registry.js';
import type { Router } from '../../routing/router.js';
import { handleEmbed } from './embed-route.js';
import { renderOllamaError } from './error-rendering.js';
import { handleGeneration } from './generation-route.js';
import { registerOllamaListingRoutes } from './listing-routes.js';
import { registerOllamaModelRoutes } from './model-routes.js';
import { chatBody, embedBody, embeddingsBody, generateBody } from './request-schemas.js';

/** Dependencies of the Ollama routes. */
export interface OllamaRouteDeps {
  registry: ModelRegistry;
  router: Router;
}

/**
 * Registers Ollama's native API as an ingress (Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md): the probe and listing routes (listing-routes.ts),
 * `POST /api/chat` and `POST /api/generate` (generation-route.ts), `POST /api/embed` and `/api/embeddings`
 * (embed-route.ts), and model management: pull, delete, copy, blobs, create (model-routes.ts). Every error on them is written in Ollama's
 * `{"error": "..."}` envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerOllamaRoutes(app: FastifyInstance, deps: OllamaRouteDeps): Map<string, string[]> {
  const config = { renderError: renderOllamaError };
  app.post('/api/chat', { schema: { body: chatBody }, config }, (request, reply) =>
    handleGeneration(request, reply, deps, 'chat'),
  );
  app.post('/api/generate', { schema: { body: generateBody }, config }, (request, reply) =>
    handleGeneration(request, reply, deps, 'generate'),
  );
  app.post('/api/embed', { schema: { body: embedBody }, config }, (request, reply) =>
    handleEmbed(request, reply, deps.router, 'embed'),
  );
  app.post('/api/embeddings', { schema: { body: embeddingsBody }, config }, (request, reply) =>
    handleEmbed(request, reply, deps.router, 'embeddings'),
  );
  return new Map([
    ...registerOllamaListingRoutes(app, deps.registry),
    ...registerOllamaModelRoutes(app, deps.registry),
    ['/api/chat', ['POST']],
    ['/api/generate', ['POST']],
    ['/api/embed', ['POST']],
    ['/api/embeddings', ['POST']],
  ]);
}
