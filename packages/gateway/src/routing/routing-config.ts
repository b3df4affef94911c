/**
 * The routing settings of switchyard.yaml (config/routing-fields.ts) resolved with their defaults, for a
 * configured model or a discovered one.
 */
import type { RoutingStrategy } from '../config/routing-fields.js';
import type { DeploymentConfig, ModelConfig } from '../config/schema.js';
import type { DeploymentSettings } from './deployment-state.js';

/** Routing defaults for models that do not set a field (and for discovered models). */
export const ROUTING_DEFAULTS = {
  strategy: 'least-busy' as RoutingStrategy,
  maxRetries: 2,
  retryAfterCapMs: 10_000,
  failureThreshold: 5,
  cooldownMs: 10_000,
  panicThreshold: 50,
  queueSize: 100,
  queueTimeoutMs: 30_000,
} as const;

/** A model's routing behaviour, resolved. */
export interface ModelRouting {
  strategy: RoutingStrategy;
  maxRetries: number;
  retryAfterCapMs: number;
  fallbacks: readonly string[];
  /** Percent, 0–100. */
  panicThreshold: number;
}

/** Resolves a `models[]` entry's routing fields (or the defaults, for a discovered model). */
export function resolveModelRouting(model: ModelConfig | undefined): ModelRouting {
  return {
    strategy: model?.strategy ?? ROUTING_DEFAULTS.strategy,
    maxRetries: model?.max_retries ?? ROUTING_DEFAULTS.maxRetries,
    retryAfterCapMs: model?.retry_after_cap ?? ROUTING_DEFAULTS.retryAfterCapMs,
    fallbacks: model?.fallbacks ?? [],
    panicThreshold: model?.panic_threshold ?? ROUTING_DEFAULTS.panicThreshold,
  };
}

/** Resolves one deployment's settings from its entry and its model's (defaults when discovered). */
export function resolveDeploymentSettings(
  model: ModelConfig | undefined,
  deployment: DeploymentConfig | undefined,
): DeploymentSettings {
  return {
    weight: deployment?.weight ?? 1,
    ...(deployment?.max_concurrency === undefined ? {} : { maxConcurrency: deployment.max_concurrency }),
    queueSize: deployment?.queue_size ?? ROUTING_DEFAULTS.queueSize,
    queueTimeoutMs: deployment?.queue_timeout ?? ROUTING_DEFAULTS.queueTimeoutMs,
    failureThreshold: model?.failure_threshold ?? ROUTING_DEFAULTS.failureThreshold,
    cooldownMs: model?.cooldown ?? ROUTING_DEFAULTS.cooldownMs,
  };
}
