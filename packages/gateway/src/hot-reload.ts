/**
 * Config hot reload: on SIGHUP, `POST /-/reload` or (opt-in) a change of the file, the config file is read
 * and validated completely (load-config.ts) before anything changes. A valid file is applied at once:
 * providers whose settings are unchanged keep their instance (an embedded engine keeps its loaded model),
 * changed and new ones are created and checked, then the model table (models, deployments, routing settings)
 * is swapped in one step and the request limits follow. Requests already routed finish on what they hold;
 * providers no longer in use are closed once those requests are over. A refused file changes nothing; its
 * error is logged and shown on `/health/providers` until a reload succeeds.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/schema.js';
import { configuredSecrets } from './config/secrets.js';
import { secretRedactor } from './core/redactor.js';
import type { ConfigControl, ConfigStatus, ReloadTrigger } from './http/config-routes.js';
import { loadConfigFile } from './load-config.js';
import type { Provider } from './providers/provider.js';
import type { ModelRegistry } from './routing/model-registry.js';
import type { Router } from './routing/router.js';

/** Creates provider `id` of `config` (gateway.ts's factory). */
export type ProviderFactory = (id: string, config: GatewayConfig) => Provider;

/** `server:` fields read once at startup: a change is reported, applied at the next restart. */
const RESTART_FIELDS = [
  'host',
  'port',
  'api_keys',
  'body_limit',
  'log_level',
  'header_timeout',
  'body_timeout',
  'body_min_rate',
  'max_connections',
  'drain_timeout',
] as const;

/** Time after the last change event before a watched file is read (editors write in several steps), ms. */
const WATCH_SETTLE_MS = 250;
/** Longest wait for requests on a replaced provider before it is closed anyway, ms. */
const RETIRE_TIMEOUT_MS = 10 * 60_000;

/** The running config of one gateway and its reloads. */
export class ConfigReloader implements ConfigControl {
  private config: GatewayConfig;
  private providers: Map<string, Provider>;
  private generation = 1;
  private loadedAt = new Date().toISOString();
  private lastReload: ConfigStatus['last_reload'] = null;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private readonly retiring = new Set<Promise<void>>();

  /**
   * @param file the config file, or undefined when the gateway was started from a config object
   * @param initial the config and providers the gateway started with
   */
  constructor(
    private readonly file: string | undefined,
    initial: { config: GatewayConfig; providers: Map<string, Provider> },
    private readonly deps: {
      registry: ModelRegistry;
      router: Router;
      createProvider: ProviderFactory;
      logger: Logger;
    },
  ) {
    this.config = initial.config;
    this.providers = initial.providers;
  }

  /** The providers of the running config. */
  get current(): ReadonlyMap<string, Provider> {
    return this.providers;
  }

  status(): ConfigStatus {
    return {
      file: this.file === undefined ? null : resolve(this.file),
      generation: this.generation,
      loaded_at: this.loadedAt,
      last_reload: this.lastReload,
    };
  }

  /** Reloads after the reloads already asked for (one at a time). Never throws. */
  reload(trigger: ReloadTrigger): Promise<ConfigStatus> {
    const run = this.queue.then(() => this.apply(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reloads whenever the file changes (its directory is watched: editors replace files). */
  watchFile(): void {
    if (this.file === undefined || this.watcher) return;
    const name = basename(this.file);
    let timer: NodeJS.Timeout | undefined;
    this.watcher = watch(dirname(resolve(this.file)), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload('watch'), WATCH_SETTLE_MS);
    });
    this.watcher.unref();
  }

  /** Stops watching and waits for replaced providers to close. */
  async close(): Promise<void> {
    this.watcher?.close();
    await this.queue;
    await Promise.all(this.retiring);
  }

  private async apply(trigger: ReloadTrigger): Promise<ConfigStatus> {
    const { logger } = this.deps;
    const at = new Date().toISOString();
    if (this.file === undefined) return this.refused(trigger, at, 'the gateway was not started from a file');
    let next: GatewayConfig;
    try {
      next = loadConfigFile(this.file);
    } catch (err) {
      return this.refused(trigger, at, (err as Error).message);
    }
    secretRedactor.add([...(next.secrets ?? []), ...configuredSecrets(next)]);
    const providers = new Map<string, Provider>();
    try {
      for (const [id, settings] of Object.entries(next.providers)) {
        const kept = this.providers.get(id);
        const same = kept && JSON.stringify(this.config.providers[id]) === JSON.stringify(settings);
        providers.set(id, same ? kept : this.deps.createProvider(id, next));
      }
    } catch (err) {
      await this.closeAll([...providers.values()].filter((p) => this.providers.get(p.id) !== p));
      return this.refused(trigger, at, (err as Error).message);
    }
    const replaced = [...this.providers.values()].filter((p) => providers.get(p.id) !== p);
    await this.deps.registry.replace(next, providers);
    this.deps.router.setLimits({
      maxN: next.server.max_n,
      maxEmbeddingInputs: next.server.max_embedding_inputs,
    });
    const restartRequired = RESTART_FIELDS.filter(
      (f) => JSON.stringify(this.config.server[f]) !== JSON.stringify(next.server[f]),
    ).map((f) => `server.${f}`);
    for (const section of ['store', 'telemetry'] as const) {
      if (JSON.stringify(this.config[section]) !== JSON.stringify(next[section]))
        restartRequired.push(section);
    }
    this.config = next;
    this.providers = providers;
    this.generation++;
    this.loadedAt = at;
    this.lastReload = { at, trigger, ok: true, error: null, restart_required: restartRequired };
    this.retire(replaced);
    logger.info(
      {
        generation: this.generation,
        trigger,
        models: this.deps.registry.list().length,
        providers_replaced: replaced.map((p) => p.id),
        restart_required: restartRequired,
      },
      'config reloaded',
    );
    return this.status();
  }

  private refused(trigger: ReloadTrigger, at: string, error: string): ConfigStatus {
    this.lastReload = { at, trigger, ok: false, error, restart_required: [] };
    this.deps.logger.error({ trigger, err: error }, 'config reload refused; the running config is unchanged');
    return this.status();
  }

  /** Closes `providers` once the requests routed before now are over. */
  private retire(providers: Provider[]): void {
    if (providers.length === 0) return;
    const done = this.deps.router
      .settled(RETIRE_TIMEOUT_MS)
      .then(async () => {
        await this.closeAll(providers);
        this.deps.logger.info({ providers: providers.map((p) => p.id) }, 'replaced providers closed');
      })
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  private async closeAll(providers: Provider[]): Promise<void> {
    await Promise.all(
      providers.map((p) =>
        p
          .close()
          .catch((err: unknown) => this.deps.logger.warn({ provider: p.id, err }, 'provider close failed')),
      ),
    );
  }
}
