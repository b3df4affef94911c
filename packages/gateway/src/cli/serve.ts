import { startGateway } from '../gateway.js';
import type { ModelRegistry } from '../routing/model-registry.js';
import { configPath, loadConfigOrExit } from './config-path.js';
import { renderTable } from './table.js';

/** Options of `switchyard serve`. */
export interface ServeOptions {
  config?: string;
  host?: string;
  /** TCP port; 0 picks a free one. */
  port?: string;
  /** Reload the config whenever its file changes. */
  watchConfig?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `switchyard serve`: loads the config, starts the gateway, prints the URL, every model served and by
 * which provider, and every provider it could not reach, then serves until SIGTERM/SIGINT. SIGHUP (and,
 * with `--watch-config`, a change of the file) reloads the config (hot-reload.ts).
 * Host and port: flag, else `SWITCHYARD_HOST` / `SWITCHYARD_PORT`, else `server.host` / `server.port`,
 * else 127.0.0.1:4000.
 */
export async function serveCommand(options: ServeOptions): Promise<void> {
  const config = loadConfigOrExit(options.config);
  const host = options.host ?? process.env.SWITCHYARD_HOST ?? config.server.host ?? '127.0.0.1';
  const portText = options.port ?? process.env.SWITCHYARD_PORT;
  const port = portText === undefined ? (config.server.port ?? 4000) : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`switchyard: invalid port '${portText}'\n`);
    process.exit(1);
  }
  const gateway = await startGateway(config, {
    host,
    port,
    configFile: configPath(options.config),
    watchConfig: options.watchConfig === true,
  });
  process.stdout.write(
    `${banner(gateway.url, gateway.registry, host, (config.server.api_keys ?? []).length, gateway.adminEnabled)}\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`switchyard: ${signal} received, shutting down\n`);
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => void gateway.reload('SIGHUP'));
}

function banner(
  url: string,
  registry: ModelRegistry,
  host: string,
  keyCount: number,
  adminEnabled: boolean,
): string {
  const lines = [`Switchyard listening on ${url}`, ''];
  const models = registry.list();
  if (models.length === 0) lines.push('No models are served yet.');
  else {
    lines.push(
      renderTable(
        ['MODEL', 'PROVIDER', 'UPSTREAM MODEL'],
        models.map((m) => [
          m.id,
          m.deployments.map((d) => `${d.provider.id} (${d.provider.type})`).join(', '),
          m.deployments.map((d) => d.model).join(', '),
        ]),
      ),
    );
  }
  const unreachable = registry.providerStatuses().filter((s) => !s.reachable);
  if (unreachable.length > 0) {
    lines.push('', 'Unreachable providers (retried in the background):');
    for (const s of unreachable) lines.push(`  ${s.id} (${s.type}): ${s.last_error ?? 'unknown error'}`);
  }
  lines.push('');
  if (adminEnabled) lines.push('Admin API enabled (/admin/keys, /admin/teams): every route needs a key.');
  if (keyCount > 0) lines.push(`API keys required (${keyCount} configured in server.api_keys).`);
  else if (adminEnabled) lines.push('Virtual keys and the master key are accepted.');
  else if (LOOPBACK.has(host))
    lines.push(`No API keys configured (server.api_keys): listening on ${host} only.`);
  else
    lines.push(
      `WARNING: no API keys configured and listening on ${host}: anyone who can reach it can use it.`,
    );
  return lines.join('\n');
}
