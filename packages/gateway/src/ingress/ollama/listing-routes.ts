/**
 * Ollama's probe and listing routes (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md):
 * `GET|HEAD /` answers `Ollama is running` (the server's root handler, which clients use as a liveness probe),
 * `GET /api/version`, `GET /api/tags` (List Local Models), `POST /api/show` (Show Model Information) and
 * `GET /api/ps` (List Running Models).
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import { runningEntry, showResponse, tagsEntry } from '../../protocols/ollama/model-listing.js';
import type { ModelRegistry } from '../../routing/model-registry.js';
import { renderOllamaError, requestedModel } from './error-rendering.js';
import { isLoaded, listedModel, listedModels, servedModel } from './listed-models.js';
import { showBody } from './request-schemas.js';

/**
 * The Ollama release whose API these routes follow, reported by `GET /api/version` (clients gate features on
 * it: `logprobs` arrived in 0.12.11, Ollama release notes).
 */
export const OLLAMA_API_VERSION = '0.12.11';

/** The text of Ollama's root handler. */
export const OLLAMA_RUNNING = 'Ollama is running';

/**
 * Registers the probe and listing routes; their errors are written in Ollama's envelope.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerOllamaListingRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
): Map<string, string[]> {
  const config = { renderError: renderOllamaError };
  app.get('/', { config }, async (_request, reply) => {
    reply.type('text/plain; charset=utf-8');
    return OLLAMA_RUNNING;
  });
  app.get('/api/version', { config }, async () => ({ version: OLLAMA_API_VERSION }));
  app.get('/api/tags', { config }, async () => ({
    models: (await listedModels(registry)).map(tagsEntry),
  }));
  app.get('/api/ps', { config }, async () => {
    const now = Date.now();
    const loaded = registry.list().filter(isLoaded);
    const models = await Promise.all(loaded.map((m) => listedModel(m).catch(() => undefined)));
    return { models: models.filter((m) => m !== undefined).map((m) => runningEntry(m, now)) };
  });
  app.post('/api/show', { schema: { body: showBody }, config }, async (request) => {
    const name = requestedModel(request);
    if (name === undefined)
      throw new GatewayError(400, 'model is required', { code: 'missing_required_parameter' });
    return showResponse(await listedModel(servedModel(registry, name)));
  });
  return new Map([
    ['/', ['GET', 'HEAD']],
    ['/api/version', ['GET', 'HEAD']],
    ['/api/tags', ['GET', 'HEAD']],
    ['/api/ps', ['GET', 'HEAD']],
    ['/api/show', ['POST']],
  ]);
}
