/**
 * The switchyard.yaml contract (README "Configuration"). Providers are validated by the schema of their
 * `type` (see providers/catalog.ts), so adding a provider type never touches this file.
 */
import { z } from 'zod';
import { deploymentRoutingFields, modelRoutingFields } from './routing-fields.js';
import { type StoreConfig, StoreSchema } from './store-fields.js';
import { type TelemetryConfig, TelemetrySchema } from './telemetry-fields.js';
import { durationMs, sizeBytes } from './units.js';

/** Provider ids and model ids: what may appear as a key under `providers:` (letters, digits, `._-`). */
const providerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"');

/** One deployment of a model: which provider serves it, under which upstream model name. */
export const DeploymentSchema = z.strictObject({
  provider: z.string().min(1),
  /** Upstream model name; defaults to the model id. */
  model: z.string().min(1).optional(),
  ...deploymentRoutingFields,
});

/** An explicit model id under `models:`. */
export const ModelSchema = z.strictObject({
  id: z.string().min(1),
  deployments: z.array(DeploymentSchema).min(1),
  /** Tokens; used only where the provider requires `max_tokens` and the client sent none (Anthropic). */
  default_max_tokens: z.number().int().positive().optional(),
  /** Provider-specific defaults merged under each request (e.g. Ollama `options`, `keep_alive`). */
  params: z.record(z.string(), z.unknown()).optional(),
  drop_unsupported_params: z.boolean().optional(),
  ...modelRoutingFields,
});

/** `server:` settings. */
export const ServerSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  /** When set, every route but `/health` needs `Authorization: Bearer <key>` or `x-api-key`. */
  api_keys: z.array(z.string().min(1)).optional(),
  /**
   * The admin key: guards `/admin/keys` and `/admin/teams` (virtual keys, docs/teams.md) and is accepted on every
   * route. Env `SWITCHYARD_MASTER_KEY` when unset. Setting it makes every route but `/health` need a key.
   */
  master_key: z.string().min(16, 'use at least 16 characters').optional(),
  /** Largest request body accepted, in bytes (or `10mb`); larger gets 413. Default 10 MiB. */
  body_limit: sizeBytes.default(10 * 1024 * 1024),
  /** Log level of the JSON logger on stdout. */
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long shutdown waits for in-flight requests, in ms (or `10s`). */
  drain_timeout: durationMs.default(10_000),
  /** Time allowed for a request's headers, from connection (or the previous response); then 408. Default 10 s. */
  header_timeout: durationMs.default(10_000),
  /** Time a request body may go without reaching `body_min_rate`; then 408. Default 30 s. */
  body_timeout: durationMs.default(30_000),
  /** Bytes per second (or `1kb`) a request body must keep up to restart its `body_timeout`. Default 1 KiB. */
  body_min_rate: sizeBytes.default(1024),
  /** Largest `n` (and `best_of`) one request may ask for; more gets 400. Default 16. */
  max_n: z.number().int().positive().default(16),
  /** Largest number of inputs in one embeddings request; more gets 400. Default 2048 (OpenAI's limit). */
  max_embedding_inputs: z.number().int().positive().default(2048),
  /** Open connections at most; more are answered 503 and closed. Default unlimited. */
  max_connections: z.number().int().positive().optional(),
});

/** The top level of switchyard.yaml before per-type provider validation. */
export function configSchema(providerTypes: readonly [string, ...string[]]) {
  return z.strictObject({
    server: ServerSchema.prefault({}),
    providers: z.record(providerId, z.looseObject({ type: z.enum(providerTypes) })).default({}),
    models: z.array(ModelSchema).default([]),
    store: StoreSchema.prefault({}),
    telemetry: TelemetrySchema.prefault({}),
  });
}

export type ServerConfig = z.infer<typeof ServerSchema>;
export type ModelConfig = z.infer<typeof ModelSchema>;
export type DeploymentConfig = z.infer<typeof DeploymentSchema>;

/** The validated config: providers hold their type's parsed settings. */
export interface GatewayConfig {
  server: ServerConfig;
  providers: Record<string, { type: string } & Record<string, unknown>>;
  models: ModelConfig[];
  /** `store:`; absent in configs built by hand, which get the defaults. */
  store?: StoreConfig;
  /** `telemetry:` (traces); absent: off unless the OTEL_* variables ask for them. */
  telemetry?: TelemetryConfig;
  /** Directory of the config file; relative paths in provider settings resolve against it. */
  dir: string;
  /**
   * Values to redact from upstream text (config/secrets.ts): API keys, provider credentials, and values of
   * secret-named environment variables. Filled by `parseConfig`; `startGateway` adds the config's own.
   */
  secrets?: string[];
}
