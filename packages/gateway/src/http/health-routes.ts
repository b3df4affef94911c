import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../routing/model-registry.js';

/**
 * `GET /health`: liveness, `{"status":"ok"}`, no auth. `GET /health/providers`: per provider
 * `{id, type, reachable, latency_ms, model_count, last_error, checked_at}` from the last periodic check
 * (modelled on Llama Stack's provider health), plus routing health: `state`, `in_flight`, `recent` and
 * `deployments` (see `ProviderStatus` in routing/model-registry.ts).
 * @returns the registered paths with their methods
 */
export function registerHealthRoutes(app: FastifyInstance, registry: ModelRegistry): Map<string, string[]> {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/providers', async () => ({ providers: registry.providerStatuses() }));
  return new Map([
    ['/health', ['GET']],
    ['/health/providers', ['GET']],
  ]);
}
