import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { GatewayConfig, ModelConfig } from '../config/schema.js';
import type { Capability, DiscoveredModel, ModelOptions, Provider } from '../providers/provider.js';

/** One way to serve a model: a provider and the upstream model name there. */
export interface Deployment {
  provider: Provider;
  /** Upstream model name. */
  model: string;
}

/** A model id the gateway serves, as listed on `/v1/models`. */
export interface ServedModel {
  id: string;
  /** Provider id of the first deployment (OpenAI `owned_by`). */
  ownedBy: string;
  /** Unix seconds. */
  created: number;
  deployments: Deployment[];
  options: ModelOptions;
  capabilities?: Capability[];
  /** Tokens, when the upstream reports it. */
  maxModelLen?: number;
  /** True when declared under `models:` in config, false when discovered. */
  explicit: boolean;
}

/** Reachability of one provider, as shown by `/health/providers` and `switchyard models`. */
export interface ProviderStatus {
  id: string;
  type: string;
  reachable: boolean;
  /** Duration of the last check, ms. */
  latency_ms: number | null;
  model_count: number;
  last_error: string | null;
  /** ISO 8601 time of the last check. */
  checked_at: string | null;
}

/** Default interval between discovery/health refreshes of a provider, ms. */
const DEFAULT_REFRESH_MS = 60_000;

/**
 * The model table: explicit `models:` from config plus models discovered from providers (served under their
 * own names; explicit ids win; the same name discovered on several providers gets one deployment per provider,
 * in config order). Refreshes each provider on its `refresh_interval`.
 */
export class ModelRegistry {
  private models = new Map<string, ServedModel>();
  private readonly discovered = new Map<string, DiscoveredModel[]>();
  private readonly status = new Map<string, ProviderStatus>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly config: GatewayConfig,
    readonly providers: ReadonlyMap<string, Provider>,
    private readonly logger: Logger,
  ) {
    for (const p of providers.values()) {
      this.status.set(p.id, {
        id: p.id,
        type: p.type,
        reachable: false,
        latency_ms: null,
        model_count: 0,
        last_error: null,
        checked_at: null,
      });
    }
    this.rebuild();
  }

  /** Checks every provider once (in parallel) and rebuilds the table. Never throws. */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => this.refresh(p)));
  }

  /** Re-checks providers periodically (timers are unref'd and stopped by {@link stop}). */
  startRefreshing(): void {
    for (const p of this.providers.values()) {
      const raw = this.config.providers[p.id]?.refresh_interval;
      const every = typeof raw === 'number' && raw > 0 ? raw : DEFAULT_REFRESH_MS;
      const timer = setInterval(() => void this.refresh(p), every);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** The served model with this id, or undefined. */
  get(id: string): ServedModel | undefined {
    return this.models.get(id);
  }

  /** Every served model, explicit ones first, then discovered ones in provider order. */
  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** Per-provider reachability, in config order. */
  providerStatuses(): ProviderStatus[] {
    return [...this.status.values()];
  }

  private async refresh(provider: Provider): Promise<void> {
    const started = performance.now();
    const status = this.status.get(provider.id)!;
    try {
      const models = await provider.listModels(AbortSignal.timeout(10_000));
      this.discovered.set(provider.id, models);
      Object.assign(status, { reachable: true, model_count: models.length, last_error: null });
    } catch (err) {
      const message = (err as Error).message;
      if (status.reachable || status.checked_at === null) {
        this.logger.warn({ provider: provider.id, err: message }, 'provider unreachable');
      }
      Object.assign(status, { reachable: false, last_error: message });
    }
    status.latency_ms = Math.round((performance.now() - started) * 10) / 10;
    status.checked_at = new Date().toISOString();
    this.rebuild();
  }

  private rebuild(): void {
    const next = new Map<string, ServedModel>();
    for (const m of this.config.models) next.set(m.id, this.fromConfig(m));
    for (const provider of this.providers.values()) {
      if (!provider.discover) continue;
      for (const d of this.discovered.get(provider.id) ?? []) {
        const existing = next.get(d.id);
        if (existing?.explicit) continue;
        if (existing) {
          existing.deployments.push({ provider, model: d.id });
          continue;
        }
        next.set(d.id, {
          id: d.id,
          ownedBy: provider.id,
          created: d.created ?? this.created,
          deployments: [{ provider, model: d.id }],
          options: {},
          ...(d.capabilities ? { capabilities: d.capabilities } : {}),
          ...(d.maxModelLen ? { maxModelLen: d.maxModelLen } : {}),
          explicit: false,
        });
      }
    }
    this.models = next;
  }

  private fromConfig(m: ModelConfig): ServedModel {
    const deployments = m.deployments.map((d) => ({
      provider: this.providers.get(d.provider)!,
      model: d.model ?? m.id,
    }));
    const first = deployments[0]!;
    const info = this.discovered.get(first.provider.id)?.find((d) => d.id === first.model);
    const options: ModelOptions = {};
    if (m.default_max_tokens !== undefined) options.default_max_tokens = m.default_max_tokens;
    if (m.params !== undefined) options.params = m.params;
    if (m.drop_unsupported_params !== undefined) options.drop_unsupported_params = m.drop_unsupported_params;
    return {
      id: m.id,
      ownedBy: first.provider.id,
      created: this.created,
      deployments,
      options,
      ...(info?.capabilities ? { capabilities: info.capabilities } : {}),
      ...(info?.maxModelLen ? { maxModelLen: info.maxModelLen } : {}),
      explicit: true,
    };
  }
}
