/**
 * The routing settings of switchyard.yaml: optional fields spread into `models[]` and
 * `models[].deployments[]` (schema.ts). Every field is optional, so older configs stay valid; routing
 * resolves them with its defaults (routing/routing-config.ts).
 */
import { z } from 'zod';
import { TimeoutsSchema } from './timeouts.js';
import { durationMs } from './units.js';

/** How a model picks among its deployments (routing/strategies.ts). */
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
