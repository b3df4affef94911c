/**
 * Switchyard's `GET /health/providers` answer (the gateway's provider health with its routing state), as
 * `client.healthProviders()` resolves it.
 */

/** One provider in Switchyard's `GET /health/providers` (see the gateway's docs/operations). */
export interface ProviderHealth {
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
  state: string;
  /** Requests in flight to this provider. */
  in_flight: number;
  [field: string]: unknown;
}

/** Switchyard `GET /health/providers`. */
export interface HealthProvidersResponse {
  providers: ProviderHealth[];
}
