/**
 * Upstream timeouts: the `timeouts:` block accepted under `providers.<id>` and `models[]`, and how the two
 * combine. Routing enforces `first_byte`, `idle` and `total` for every provider type (see watchdog.ts);
 * `connect` is a socket setting, so each adapter applies it to its own HTTP client via
 * {@link connectTimeoutMs}.
 */
import { z } from 'zod';
import { durationMs } from '../config/units.js';

/** `timeouts:` in switchyard.yaml; every field is a duration (ms number or `30s`-style string). */
export const TimeoutsSchema = z.strictObject({
  /** TCP/TLS connection setup to the upstream. Provider level only (a socket setting). */
  connect: durationMs.optional(),
  /** Request sent → first body byte (or first chunk) from the upstream. Covers prefill and queueing upstream. */
  first_byte: durationMs.optional(),
  /** Longest silence between two body chunks once the upstream started answering. */
  idle: durationMs.optional(),
  /** Request arrival → last byte to the client, across queueing, retries, fallbacks and streaming. */
  total: durationMs.optional(),
});

/** Timeouts as written in config (any field may be absent). */
export type TimeoutsConfig = z.infer<typeof TimeoutsSchema>;

/** Resolved timeouts, all in milliseconds. */
export interface Timeouts {
  connect: number;
  firstByte: number;
  idle: number;
  total: number;
}

/** Defaults: 10 s to connect, 5 min to the first byte, 2 min between chunks, 10 min in all. */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = {
  connect: 10_000,
  firstByte: 300_000,
  idle: 120_000,
  total: 600_000,
};

/** The timeout-related settings of a provider entry (`baseProviderFields`). */
export interface ProviderTimeoutSettings {
  timeouts?: TimeoutsConfig;
  /** Older single setting; the same as `timeouts.total`. */
  timeout?: number;
}

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

/**
 * Connection-setup timeout for an adapter's HTTP client (e.g. undici `Agent({connect: {timeout}})`), ms.
 * @param provider the provider's settings from config
 */
export function connectTimeoutMs(provider: ProviderTimeoutSettings): number {
  return provider.timeouts?.connect ?? DEFAULT_TIMEOUTS.connect;
}
