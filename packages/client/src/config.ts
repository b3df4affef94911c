/**
 * Client configuration: a zod schema (`ClientConfigSchema`) for the constructor argument, `parseClientConfig()`
 * that reports mistakes readably, and `configFromEnv()` for `OpenAICompatibleClient.fromEnv()`.
 */
import { z } from 'zod';
import { ClientConfigError } from './config-errors.js';
import { PLATFORM_NAMES, type Platform } from './platforms/names.js';

/**
 * What to do with a request parameter the platform cannot honour (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go; vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters).
 */
export const UnsupportedParamsPolicySchema = z.enum(['error', 'warn', 'drop']);

/** A `fetch` implementation, as the SDK's `fetch` option takes (openai-node README, Customizing the fetch client). */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The SDK's log levels (openai-node README, Logging). */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/**
 * The constructor argument of `OpenAICompatibleClient`.
 * - `baseURL`: the server's URL, `http://` or `https://`. vLLM/Switchyard/OpenAI: the OpenAI base with `/v1` (a URL
 *   without `/v1` gets it appended); Ollama: the native root (`http://localhost:11434`; a trailing `/v1` is removed).
 *   Defaults per platform: OpenAI `https://api.openai.com/v1`, Ollama `http://localhost:11434`,
 *   vLLM `http://localhost:8000/v1`; required for Switchyard.
 * - `apiKey`: sent as `Authorization: Bearer <key>`; when absent no `Authorization` header is sent.
 * - `model`: default model for calls that leave `model` out.
 * - `timeout`: per-attempt timeout in ms (default 600,000, the `openai` SDK's).
 * - `maxRetries`: retries on 408/409/429/5xx and connection errors (default 2).
 * - `defaultHeaders` / `defaultQuery`: sent with every request (the SDK's options of the same names).
 * - `fetch`: the `fetch` implementation to use (default the global one); `logLevel`: the SDK's log level.
 * - `unsupportedParams`: `error` (default) rejects with `UnsupportedParamError`, `warn` drops and logs, `drop` drops.
 * - `maxConnections`: sockets per origin in the client's keep-alive pool (default unlimited; Node only).
 * - `vllm.chatTemplate`: Jinja template sent as `chat_template` with every chat request that has none.
 * - `ollama.keepAlive`: default `keep_alive` (Go duration string or seconds, Ollama API docs, Conventions:
 *   https://github.com/ollama/ollama/blob/main/docs/api.md#conventions); `ollama.options`: default `options` merged
 *   under each request's own.
 */
export const ClientConfigSchema = z.strictObject({
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  apiKey: z.string().min(1).optional(),
  platform: z.enum(PLATFORM_NAMES),
  model: z.string().min(1).optional(),
  timeout: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).optional(),
  defaultHeaders: z.record(z.string(), z.string()).optional(),
  defaultQuery: z.record(z.string(), z.string()).optional(),
  fetch: z.custom<Fetch>((value) => typeof value === 'function', 'must be a fetch function').optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  unsupportedParams: UnsupportedParamsPolicySchema.default('error'),
  maxConnections: z.number().int().positive().optional(),
  vllm: z.strictObject({ chatTemplate: z.string().min(1).optional() }).optional(),
  ollama: z
    .strictObject({
      keepAlive: z.union([z.string().min(1), z.number()]).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

/** The configuration as written by the caller (defaults not yet applied). */
export type ClientConfigInput = z.input<typeof ClientConfigSchema>;
/** The validated configuration. */
export type ClientConfig = z.output<typeof ClientConfigSchema>;
/** `'error' | 'warn' | 'drop'`. */
export type UnsupportedParamsPolicy = z.infer<typeof UnsupportedParamsPolicySchema>;

/**
 * Validates a configuration.
 * @throws {ClientConfigError} listing every mistake, with "did you mean" hints for misspelt keys and values and a
 *   missing URL scheme
 */
export function parseClientConfig(input: unknown): ClientConfig {
  const result = ClientConfigSchema.safeParse(input);
  if (!result.success) throw new ClientConfigError(result.error, input, ClientConfigSchema);
  if (result.data.platform === 'switchyard' && result.data.baseURL === undefined) {
    throw new ClientConfigError(
      'baseURL is required on the switchyard platform (the address `switchyard serve` prints)',
    );
  }
  return result.data;
}

/** The order in which `configFromEnv` looks for a platform's base-URL variable. */
const ENV_PLATFORM_ORDER = ['switchyard', 'vllm', 'ollama', 'openai'] as const satisfies readonly Platform[];

/** The environment variable holding each platform's base URL. */
export const BASE_URL_VARIABLES = {
  switchyard: 'SWITCHYARD_BASE_URL',
  vllm: 'VLLM_BASE_URL',
  ollama: 'OLLAMA_HOST',
  openai: 'OPENAI_BASE_URL',
} as const satisfies Record<Platform, string>;

/**
 * Reads a client configuration from environment variables. The platform is `SWITCHYARD_PLATFORM` when set, else
 * the first platform whose base-URL variable is set, in this order: `SWITCHYARD_BASE_URL` (switchyard),
 * `VLLM_BASE_URL` (vllm), `OLLAMA_HOST` (ollama, `host:port` accepted as Ollama's CLI does), `OPENAI_BASE_URL`
 * (openai), else `openai`. The base URL is `SWITCHYARD_BASE_URL`, else the platform's variable, else
 * `OPENAI_BASE_URL`. Also `SWITCHYARD_API_KEY` (else `OPENAI_API_KEY`, else `VLLM_API_KEY` for vLLM),
 * `SWITCHYARD_MODEL`, `SWITCHYARD_TIMEOUT_MS`, `SWITCHYARD_MAX_RETRIES`, `SWITCHYARD_UNSUPPORTED_PARAMS`.
 * @param env default `process.env` where there is one, else no variables
 * @throws {ClientConfigError} when a variable holds an invalid value
 */
export function configFromEnv(env: Record<string, string | undefined> = processEnv()): ClientConfig {
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const platform =
    set('SWITCHYARD_PLATFORM') ??
    ENV_PLATFORM_ORDER.find((name) => set(BASE_URL_VARIABLES[name]) !== undefined) ??
    'openai';
  const own = PLATFORM_NAMES.includes(platform as Platform)
    ? set(BASE_URL_VARIABLES[platform as Platform])
    : undefined;
  const baseURL = set('SWITCHYARD_BASE_URL') ?? own ?? set('OPENAI_BASE_URL');
  const raw = {
    platform,
    baseURL: platform === 'ollama' && baseURL !== undefined ? withScheme(baseURL) : baseURL,
    apiKey:
      set('SWITCHYARD_API_KEY') ??
      set('OPENAI_API_KEY') ??
      (platform === 'vllm' ? set('VLLM_API_KEY') : undefined),
    model: set('SWITCHYARD_MODEL'),
    timeout: optionalInt(set('SWITCHYARD_TIMEOUT_MS')),
    maxRetries: optionalInt(set('SWITCHYARD_MAX_RETRIES')),
    unsupportedParams: set('SWITCHYARD_UNSUPPORTED_PARAMS'),
  };
  return parseClientConfig(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
}

/** `process.env` when the runtime has one (Node, Bun, Deno's Node layer), else an empty record. */
function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

function optionalInt(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : value;
}

/** `OLLAMA_HOST` may be `host:port` without a scheme. */
function withScheme(host: string): string {
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}
