import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { GatewayConfig, ModelConfig } from '../config/schema.js';
import type { ProviderTimeoutSettings, Timeouts } from '../config/timeouts.js';
import { PROBE_TIMEOUT_MS } from '../config/timeouts.js';
import type { Capability, DiscoveredModel, ModelOptions, Provider } from '../providers/provider.js';
import { type DeploymentSnapshot, DeploymentState } from './deployment-state.js';
import { type ModelRouting, resolveDeploymentSettings, resolveModelRouting } from './routing-config.js';
import type { Rotation } from './strategies.js';
import { resolveTimeouts } from './timeouts.js';

/** One way to serve a model: a provider and the upstream model name there. */
export interface Deployment {
  provider: Provider;
  /** Upstream model name. */
  model: string;
  /** Live load, latency and health; survives table rebuilds. */
  state: DeploymentState;
  /** The model's timeouts over the provider's. */
  timeouts: Timeouts;
  /**
   * What the provider gets as `ProviderRequest.options`: the model's settings, with
   * `drop_unsupported_params` resolved here once (the model's setting, else the provider's, else false).
   */
  options: ModelOptions;
}

/** A model id the gateway serves, as listed on `/v1/models`. */
export interface ServedModel {
  id: string;
  /** Provider id of the first deployment (OpenAI `owned_by`). */
  ownedBy: string;
  /** Unix seconds. */
  created: number;
  deployments: Deployment[];
  routing: ModelRouting;
  /** Advanced by the routing strategies; survives table rebuilds. */
  rotation: Rotation;
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
  /** `healthy`; `degraded` when some of its deployments cool down; `cooling` when all do. */
  state: 'healthy' | 'degraded' | 'cooling';
  /** Requests in flight to this provider. */
  in_flight: number;
  /** Over the deployments' recent attempts. */
  recent: { requests: number; errors: number; error_rate: number };
  /** Configured deployments, and discovered ones that have seen traffic or have requests in flight or queued. */
  deployments: ({ model: string; upstream_model: string } & DeploymentSnapshot)[];
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
  private readonly status = new Map<
    string,
    Omit<ProviderStatus, 'state' | 'in_flight' | 'recent' | 'deployments'>
  >();
  private readonly states = new Map<string, DeploymentState>();
  private readonly rotations = new Map<string, Rotation>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private config: GatewayConfig,
    private providerMap: ReadonlyMap<string, Provider>,
    private readonly logger: Logger,
  ) {
    for (const p of providerMap.values()) this.status.set(p.id, unchecked(p));
    this.rebuild();
  }

  /** The providers of the current config, by id. */
  get providers(): ReadonlyMap<string, Provider> {
    return this.providerMap;
  }

  /**
   * Swaps in a new config and its providers at once (hot reload): the model table is rebuilt in one step, so
   * a lookup sees the old table or the new one. Requests already routed keep the deployments (and provider
   * instances) they hold. A provider instance kept from the old config keeps its reachability and discovered
   * models; new ones are checked (in parallel) before the swap. Deployment state (cooldowns, load, EWMA)
   * carries over where model, provider, upstream model, position and routing settings are unchanged.
   * Refresh timers restart on the new providers when they were running.
   */
  async replace(config: GatewayConfig, providers: ReadonlyMap<string, Provider>): Promise<void> {
    const fresh = [...providers.values()].filter((p) => this.providerMap.get(p.id) !== p);
    for (const p of fresh) this.status.set(p.id, unchecked(p));
    const freshIds = new Set(fresh.map((p) => p.id));
    for (const [key, state] of this.states) {
      const providerId = key.split('\u0000')[1]!;
      if (freshIds.has(providerId) || !providers.has(providerId)) {
        state.dispose();
        this.states.delete(key);
      }
    }
    await Promise.all(fresh.map((p) => this.check(p)));
    for (const id of this.status.keys()) if (!providers.has(id)) this.status.delete(id);
    for (const id of this.discovered.keys()) if (!providers.has(id)) this.discovered.delete(id);
    const refreshing = this.timers.length > 0;
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.config = config;
    this.providerMap = providers;
    this.rebuild();
    if (refreshing) this.startRefreshing();
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
    for (const s of this.states.values()) s.dispose();
  }

  /** The served model with this id, or undefined. */
  get(id: string): ServedModel | undefined {
    return this.models.get(id);
  }

  /** Every served model, explicit ones first, then discovered ones in provider order. */
  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** Per-provider reachability and routing health, in config order. */
  providerStatuses(): ProviderStatus[] {
    const now = Date.now();
    const byProvider = new Map<string, ProviderStatus['deployments']>();
    for (const m of this.models.values()) {
      for (const d of m.deployments) {
        const snapshot = d.state.snapshot(now);
        const idle = snapshot.in_flight === 0 && snapshot.queued === 0 && snapshot.recent.requests === 0;
        if (!m.explicit && idle && snapshot.state === 'healthy') continue;
        const list = byProvider.get(d.provider.id) ?? [];
        list.push({ model: m.id, upstream_model: d.model, ...snapshot });
        byProvider.set(d.provider.id, list);
      }
    }
    return [...this.status.values()].map((s) => {
      const deployments = byProvider.get(s.id) ?? [];
      const cooling = deployments.filter((d) => d.state !== 'healthy').length;
      const requests = deployments.reduce((n, d) => n + d.recent.requests, 0);
      const errors = deployments.reduce((n, d) => n + d.recent.errors, 0);
      return {
        ...s,
        state: cooling === 0 ? 'healthy' : cooling === deployments.length ? 'cooling' : 'degraded',
        in_flight: deployments.reduce((n, d) => n + d.in_flight, 0),
        recent: {
          requests,
          errors,
          error_rate: requests === 0 ? 0 : Math.round((errors / requests) * 1e4) / 1e4,
        },
        deployments,
      };
    });
  }

  /**
   * Re-lists one provider's models now and rebuilds the table (after a pull, copy, create or delete changed
   * them). Never throws; an unknown id does nothing.
   */
  async refreshProvider(providerId: string): Promise<void> {
    const provider = this.providers.get(providerId);
    if (provider) await this.refresh(provider);
  }

  private async refresh(provider: Provider): Promise<void> {
    await this.check(provider);
    if (this.providerMap.get(provider.id) === provider) this.rebuild();
  }

  /** Lists the provider's models and records its reachability; never throws. */
  private async check(provider: Provider): Promise<void> {
    const started = performance.now();
    const status = this.status.get(provider.id);
    if (!status) return;
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
  }

  private rebuild(): void {
    const next = new Map<string, ServedModel>();
    for (const m of this.config.models) next.set(m.id, this.fromConfig(m));
    for (const provider of this.providers.values()) {
      if (!provider.discover) continue;
      for (const d of this.discovered.get(provider.id) ?? []) {
        const existing = next.get(d.id);
        if (existing?.explicit) continue;
        const deployment = this.deployment(d.id, provider, d.id, undefined, 0, {});
        if (existing) {
          existing.deployments.push(deployment);
          continue;
        }
        next.set(d.id, {
          id: d.id,
          ownedBy: provider.id,
          created: d.created ?? this.created,
          deployments: [deployment],
          routing: resolveModelRouting(undefined),
          rotation: this.rotation(d.id),
          ...(d.capabilities ? { capabilities: d.capabilities } : {}),
          ...(d.maxModelLen ? { maxModelLen: d.maxModelLen } : {}),
          explicit: false,
        });
      }
    }
    this.models = next;
  }

  private fromConfig(m: ModelConfig): ServedModel {
    const options: ModelOptions = {};
    if (m.default_max_tokens !== undefined) options.default_max_tokens = m.default_max_tokens;
    if (m.params !== undefined) options.params = m.params;
    if (m.drop_unsupported_params !== undefined) options.drop_unsupported_params = m.drop_unsupported_params;
    const deployments = m.deployments.map((d, i) =>
      this.deployment(m.id, this.providers.get(d.provider)!, d.model ?? m.id, m, i, options),
    );
    const first = deployments[0]!;
    const info = this.discovered.get(first.provider.id)?.find((d) => d.id === first.model);
    return {
      id: m.id,
      ownedBy: first.provider.id,
      created: this.created,
      deployments,
      routing: resolveModelRouting(m),
      rotation: this.rotation(m.id),
      ...(info?.capabilities ? { capabilities: info.capabilities } : {}),
      ...(info?.maxModelLen ? { maxModelLen: info.maxModelLen } : {}),
      explicit: true,
    };
  }

  /** A deployment with its long-lived state (created on first sight, keyed by model, provider, position). */
  private deployment(
    modelId: string,
    provider: Provider,
    upstreamModel: string,
    model: ModelConfig | undefined,
    index: number,
    modelOptions: ModelOptions,
  ): Deployment {
    const settings = resolveDeploymentSettings(model, model?.deployments[index]);
    const key = `${modelId}\u0000${provider.id}\u0000${upstreamModel}\u0000${index}\u0000${JSON.stringify(settings)}`;
    let state = this.states.get(key);
    if (!state) {
      state = new DeploymentState(
        settings,
        () => provider.listModels(AbortSignal.timeout(PROBE_TIMEOUT_MS)),
        this.logger.child({ provider: provider.id, model: modelId, upstream_model: upstreamModel }),
      );
      this.states.set(key, state);
    }
    const providerSettings = this.config.providers[provider.id] as
      | (ProviderTimeoutSettings & { drop_unsupported_params?: boolean })
      | undefined;
    return {
      provider,
      model: upstreamModel,
      state,
      timeouts: resolveTimeouts(model?.timeouts, providerSettings),
      options: {
        ...modelOptions,
        drop_unsupported_params:
          modelOptions.drop_unsupported_params ?? providerSettings?.drop_unsupported_params ?? false,
      },
    };
  }

  private rotation(modelId: string): Rotation {
    let rotation = this.rotations.get(modelId);
    if (!rotation) {
      rotation = { next: 0 };
      this.rotations.set(modelId, rotation);
    }
    return rotation;
  }
}

/** A provider's status before its first check. */
function unchecked(p: Provider): Omit<ProviderStatus, 'state' | 'in_flight' | 'recent' | 'deployments'> {
  return {
    id: p.id,
    type: p.type,
    reachable: false,
    latency_ms: null,
    model_count: 0,
    last_error: null,
    checked_at: null,
  };
}
