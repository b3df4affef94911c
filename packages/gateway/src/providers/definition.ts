import { z } from 'zod';
import { TimeoutsSchema } from '../config/timeouts.js';
import { durationMs } from '../config/units.js';
import type { Provider, ProviderContext } from './provider.js';

/** Settings every provider type accepts under `providers.<id>` in switchyard.yaml. */
export const baseProviderFields = {
  /** List the upstream's models and serve them under their own names. Default per type. */
  discover: z.boolean().optional(),
  /** How often discovery and the health check run. Default 60 s. */
  refresh_interval: durationMs.optional(),
  /** Drop request parameters this provider cannot honour instead of answering 400. */
  drop_unsupported_params: z.boolean().optional(),
  /** Extra headers sent on every upstream request. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Total time allowed for one request, in ms (or `30s`, `5m`): the same as `timeouts.total`. Default 10 minutes. */
  timeout: durationMs.optional(),
  /** Connect, first-byte, idle and total timeouts (routing/timeouts.ts); a model's own `timeouts` win. */
  timeouts: TimeoutsSchema.optional(),
};

/**
 * How the gateway knows a provider type: its config schema and its factory.
 * `schema` must be a zod object whose `type` field is a literal or enum, so that the config union can
 * discriminate on it; `create` receives the parsed, defaulted config.
 */
export interface ProviderDefinition<C extends { type: string } = { type: string }> {
  /** The `type` values this definition handles (presets included). */
  readonly types: readonly string[];
  readonly schema: z.ZodType<C>;
  create(id: string, config: C, context: ProviderContext): Provider;
}
