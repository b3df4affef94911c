/**
 * The `timeouts:` block accepted under `providers.<id>` and `models[]` of switchyard.yaml and its defaults;
 * routing resolves and enforces it (routing/timeouts.ts, routing/watchdog.ts).
 */
import { z } from 'zod';
import { durationMs } from './units.js';

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
 * Connection-setup timeout for an adapter's HTTP client (e.g. undici `Agent({connect: {timeout}})`), ms.
 * @param provider the provider's settings from config
 */
export function connectTimeoutMs(provider: ProviderTimeoutSettings): number {
  return provider.timeouts?.connect ?? DEFAULT_TIMEOUTS.connect;
}

/** Time allowed for one health or discovery probe of an upstream (`/v1/models`, `/api/version`), ms. */
export const PROBE_TIMEOUT_MS = 5_000;
