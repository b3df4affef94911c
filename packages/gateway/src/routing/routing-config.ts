/**
 * The routing settings of switchyard.yaml: optional fields spread into `models[]` and
 * `models[].deployments[]` (config/schema.ts), and their defaults. Every field is optional, so older
 * configs stay valid.
 */
import { z } from 'zod';
import type { DeploymentConfig, ModelConfig } from '../config/schema.js';
import { durationMs } from '../config/units.js';
import type { DeploymentSettings } from './deployment-state.js';
import { TimeoutsSchema } from './timeouts.js';

/** How a model picks among its deployments (see strategies.ts). */
export const ROUTING_STRATEGIES = ['least-busy', 'weighted', 'round-robin', 'latency'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Fields added to each `models[]` entry. */
export const modelRoutingFields = {
  /** Deployment choice: `least-busy` (fewest in flight, default), `weighted`, `round-robin`, `latency`. */
  strategy: z.enum(ROUTING_STRATEGIES).optional(),
  /** Retries on the same deployment after a retryable failure, before trying the next one. Default 2. */
  max_retries: z.number().int().min(0).max(10).optional(),
  /** Longest upstream `Retry-After` honoured by waiting; a longer one moves on at once. Default `10s`. */
  retry_after_cap: durationMs.optional(),
  /** Model ids tried in order once every deployment of this model failed (their own fallbacks are not followed). */
  fallbacks: z.array(z.string().min(1)).optional(),
  /** Consecutive retryable failures that cool a deployment down. Default 5. */
  failure_threshold: z.number().int().min(1).optional(),
  /**
   * How long a deployment stays out of rotation after tripping (or a 429 without `Retry-After`). Default
   * `10s`; `0` turns circuit breaking off for the model (failures and 429s never take a deployment out).
   */
  cooldown: durationMs.optional(),
  /**
   * Percentage of the model's deployments that must be available for cooling ones to be skipped; below it
   * (panic), deployments cooling after failures get traffic too, so failures never take the model out of
   * service. Envoy's healthy panic threshold. Default 50; 0 turns panic off.
   */
  panic_threshold: z.number().min(0).max(100).optional(),
  /** Overrides the providers' `timeouts` for this model (`connect` is provider-level only). */
  timeouts: TimeoutsSchema.omit({ connect: true }).optional(),
};

/** Fields added to each `models[].deployments[]` entry. */
export const deploymentRoutingFields = {
  /** Share of traffic under the `weighted` strategy, relative to the model's other deployments. Default 1. */
  weight: z.number().positive().optional(),
  /** Requests this deployment serves at once; more wait in its queue. Default unlimited. */
  max_concurrency: z.number().int().positive().optional(),
  /** Requests that may wait for a slot when `max_concurrency` is reached; more get 429. Default 100. */
  queue_size: z.number().int().min(0).optional(),
  /** Longest wait for a slot before 429. Default `30s`. */
  queue_timeout: durationMs.optional(),
};

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
