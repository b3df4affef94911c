import type { FastifyInstance } from 'fastify';
import type { ModelRegistry } from '../routing/model-registry.js';
import type { ConfigControl } from './config-routes.js';

/**
 * `GET /health`: liveness, `{"status":"ok"}`, no auth. `GET /health/providers`: per provider
 * `{id, type, reachable, latency_ms, model_count, last_error, checked_at}` from the last periodic check
 * (modelled on Llama Stack's provider health), plus routing health: `state`, `in_flight`, `recent` and
 * `deployments` (see `ProviderStatus` in routing/model-registry.ts); and `config`, the running config's
 * generation and its last reload (a refused file's error stays there until a reload succeeds), see
 * `ConfigStatus` in config-routes.ts.
 * @returns the registered paths with their methods
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
  config?: ConfigControl,
): Map<string, string[]> {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/providers', async () => ({
    providers: registry.providerStatuses(),
    ...(config ? { config: config.status() } : {}),
  }));
  return new Map([
    ['/health', ['GET']],
    ['/health/providers', ['GET']],
  ]);
}
