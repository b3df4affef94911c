import { createProviders } from '../gateway.js';
import { ModelRegistry } from '../routing/model-registry.js';
import { createLogger } from '../telemetry/logger.js';
import { loadConfigOrExit } from './config-path.js';
import { renderTable } from './table.js';

/**
 * `switchyard models`: checks every provider once and prints the resolved model table (model id,
 * provider, upstream model name, reachability), then the providers' status. Exits 0.
 */
export async function modelsCommand(options: { config?: string }): Promise<void> {
  const config = loadConfigOrExit(options.config);
  const logger = createLogger('silent');
  const providers = createProviders(config, logger);
  const registry = new ModelRegistry(config, providers, logger);
  await registry.refreshAll();
  const statuses = new Map(registry.providerStatuses().map((s) => [s.id, s]));
  const rows = registry
    .list()
    .flatMap((m) =>
      m.deployments.map((d) => [
        m.id,
        `${d.provider.id} (${d.provider.type})`,
        d.model,
        statuses.get(d.provider.id)?.reachable ? 'yes' : 'no',
      ]),
    );
  process.stdout.write(`${renderTable(['MODEL', 'PROVIDER', 'UPSTREAM MODEL', 'REACHABLE'], rows)}\n\n`);
  const providerRows = [...statuses.values()].map((s) => [
    s.id,
    s.type,
    s.reachable ? 'yes' : 'no',
    s.latency_ms === null ? '-' : `${s.latency_ms} ms`,
    String(s.model_count),
    s.last_error ?? '',
  ]);
  process.stdout.write(
    `${renderTable(['PROVIDER', 'TYPE', 'REACHABLE', 'LATENCY', 'MODELS', 'LAST ERROR'], providerRows)}\n`,
  );
  await Promise.all([...providers.values()].map((p) => p.close()));
}
