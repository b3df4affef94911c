/**
 * How the `timeouts:` blocks of `providers.<id>` and `models[]` (config/timeouts.ts) combine for one
 * deployment. Routing enforces `first_byte`, `idle` and `total` for every provider type (see watchdog.ts);
 * `connect` is a socket setting that each adapter gives its own HTTP client (`connectTimeoutMs`).
 */
import {
  DEFAULT_TIMEOUTS,
  type ProviderTimeoutSettings,
  type Timeouts,
  type TimeoutsConfig,
} from '../config/timeouts.js';

/**
 * Combines timeouts field by field: the model's setting wins, then the provider's, then the default.
 * A provider's plain `timeout` counts as its `timeouts.total`.
 * @param model `models[].timeouts` of the routed model
 * @param provider the provider's settings from config
 */
export function resolveTimeouts(
  model: TimeoutsConfig | undefined,
  provider: ProviderTimeoutSettings | undefined,
): Timeouts {
  const p = provider?.timeouts;
  return {
    connect: p?.connect ?? DEFAULT_TIMEOUTS.connect,
    firstByte: model?.first_byte ?? p?.first_byte ?? DEFAULT_TIMEOUTS.firstByte,
    idle: model?.idle ?? p?.idle ?? DEFAULT_TIMEOUTS.idle,
    total: model?.total ?? p?.total ?? provider?.timeout ?? DEFAULT_TIMEOUTS.total,
  };
}
