import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/schema.js';
import { configuredSecrets } from './config/secrets.js';
import { StoreSchema } from './config/store-fields.js';
import { GatewayError } from './core/errors.js';
import { secretRedactor } from './core/redactor.js';
import { ConfigReloader } from './hot-reload.js';
import type { ConfigStatus, ReloadTrigger } from './http/config-routes.js';
import { providerDefinitions } from './providers/catalog.js';
import type { Provider } from './providers/provider.js';
import { ModelRegistry } from './routing/model-registry.js';
import { Router } from './routing/router.js';
import { buildServer } from './server.js';
import { openStore, type Store } from './store/store.js';
import { createLogger } from './telemetry/logger.js';
import { GatewayMetrics } from './telemetry/metrics.js';
import { teeObservers } from './telemetry/observer-tee.js';
import { RequestLog } from './telemetry/request-log.js';
import { observeRequestMetrics } from './telemetry/request-metrics.js';
import { startTracing, traceSettings } from './telemetry/tracing.js';
import { KeyDirectory } from './tenancy/key-directory.js';

/** Where to listen; each falls back to `server.host` / `server.port` from config, then 127.0.0.1:4000. */
export interface ListenOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  /** The file `config` was read from: enables reloads (SIGHUP, `POST /-/reload`). */
  configFile?: string;
  /** Also reload whenever that file changes. */
  watchConfig?: boolean;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://HOST:PORT` (no trailing slash). */
  url: string;
  registry: ModelRegistry;
  router: Router;
  /** Stored responses and chat completions (config `store:`); opened on first use. */
  store: Store;
  /** True when a master key is set (`server.master_key` or `SWITCHYARD_MASTER_KEY`): `/admin/*` is served. */
  adminEnabled: boolean;
  /** Re-reads the config file and applies it when valid (hot-reload.ts); never throws. */
  reload(trigger: ReloadTrigger): Promise<ConfigStatus>;
  /**
   * Graceful shutdown: stops accepting connections, waits up to `server.drain_timeout` (ms) for in-flight
   * requests, ends the rest with a 503 `server_shutting_down` error (a final SSE error event for streams),
   * then closes every remaining connection and the providers.
   */
  close(): Promise<void>;
}

/**
 * Creates every configured provider, checks them once (discovery), and starts the HTTP server. The config's
 * secrets are added to the process's redactor first (core/redactor.ts).
 * Unreachable providers are reported (see `registry.providerStatuses()`) and retried periodically; the
 * gateway serves the rest.
 * @throws when the port cannot be bound
 */
export async function startGateway(
  config: GatewayConfig,
  options: ListenOptions = {},
): Promise<RunningGateway> {
  const masterKey = config.server.master_key ?? (process.env.SWITCHYARD_MASTER_KEY || undefined);
  secretRedactor.add([
    ...(config.secrets ?? []),
    ...configuredSecrets(config),
    ...(masterKey === undefined ? [] : [masterKey]),
  ]);
  const logger = options.logger ?? createLogger(config.server.log_level);
  const providers = createProviders(config, logger);
  const registry = new ModelRegistry(config, providers, logger);
  await registry.refreshAll();
  registry.startRefreshing();
  const limits = { maxN: config.server.max_n, maxEmbeddingInputs: config.server.max_embedding_inputs };
  const metrics = new GatewayMetrics();
  const requestLog = new RequestLog();
  const settings = traceSettings(config.telemetry);
  const tracing = settings ? await startTracing(settings, logger) : undefined;
  const observeMetrics = observeRequestMetrics(metrics, requestLog.record);
  const observe = tracing ? teeObservers(observeMetrics, tracing.observe) : observeMetrics;
  const router = new Router(registry, limits, logger, observe);
  metrics.watch({ registry, router });
  const store = openStore(
    config.store ?? StoreSchema.parse({}),
    config.dir,
    logger.child({ component: 'store' }),
  );
  const reloader = new ConfigReloader(
    options.configFile,
    { config, providers },
    { registry, router, logger, createProvider: (id, next) => createProvider(id, next, logger) },
  );
  if (options.watchConfig) reloader.watchFile();
  const { app, inflight } = buildServer({
    server: config.server,
    registry,
    router,
    store,
    logger,
    keys: new KeyDirectory(store.tenants),
    ...(masterKey === undefined ? {} : { masterKey }),
    metrics,
    requestLog,
    config: reloader,
  });
  const host = options.host ?? config.server.host ?? '127.0.0.1';
  const port = options.port ?? config.server.port ?? 4000;
  try {
    await app.listen({ host, port });
  } catch (err) {
    registry.stop();
    await Promise.all([...providers.values()].map((p) => p.close()));
    await store.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    registry,
    router,
    store,
    adminEnabled: masterKey !== undefined,
    reload: (trigger) => reloader.reload(trigger),
    close: async () => {
      await reloader.close();
      registry.stop();
      const closing = app.close();
      if (!(await inflight.drained(config.server.drain_timeout))) {
        logger.warn({ requests: inflight.size }, 'drain timeout reached: ending in-flight requests');
        await router.abortAll(shuttingDown);
        await inflight.drained(FLUSH_GRACE_MS);
      }
      app.server.closeAllConnections();
      await closing;
      await Promise.all([...reloader.current.values()].map((p) => p.close()));
      await store.close();
      await tracing?.shutdown();
    },
  };
}

/** After ending requests at the drain timeout, how long their final bytes may take to flush, ms. */
const FLUSH_GRACE_MS = 500;

const shuttingDown = () =>
  new GatewayError(503, 'The gateway is shutting down; retry the request', { code: 'server_shutting_down' });

/** Instantiates `providers:` from config, in config order. */
export function createProviders(config: GatewayConfig, logger: Logger): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const id of Object.keys(config.providers)) providers.set(id, createProvider(id, config, logger));
  return providers;
}

/** Instantiates provider `id` of `config.providers`. */
function createProvider(id: string, config: GatewayConfig, logger: Logger): Provider {
  const settings = config.providers[id]!;
  const definition = providerDefinitions.find((d) => d.types.includes(settings.type))!;
  return definition.create(id, settings, { logger: logger.child({ provider: id }), configDir: config.dir });
}
