/**
 * Client configuration: a zod schema (`ClientConfigSchema`) for the constructor argument, and `configFromEnv()`
 * for `OpenAICompatibleClient.fromEnv()`.
 */
import { z } from 'zod';
import { PLATFORM_NAMES } from './platforms/names.js';

/**
 * What to do with a request parameter the platform cannot honour (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go; vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters).
 */
export const UnsupportedParamsPolicySchema = z.enum(['error', 'warn', 'drop']);

/**
 * The constructor argument of `OpenAICompatibleClient`.
 * - `baseURL`: the server's URL. vLLM/Switchyard/OpenAI: the OpenAI base with `/v1` (a URL without `/v1` gets it
 *   appended); Ollama: the native root (`http://localhost:11434`; a trailing `/v1` is removed).
 *   Defaults per platform: OpenAI `https://api.openai.com/v1`, Ollama `http://localhost:11434`,
 *   vLLM `http://localhost:8000/v1`; required for Switchyard.
 * - `apiKey`: sent as `Authorization: Bearer <key>`; when absent no `Authorization` header is sent.
 * - `model`: default model for calls that leave `model` out.
 * - `timeout`: per-attempt timeout in ms (default 600,000, the `openai` SDK's).
 * - `maxRetries`: retries on 408/409/429/5xx and connection errors (default 2).
 * - `unsupportedParams`: `error` (default) throws `UnsupportedParamError`, `warn` drops and logs, `drop` drops.
 * - `maxConnections`: sockets per origin in the client's keep-alive pool (default unlimited).
 * - `vllm.chatTemplate`: Jinja template sent as `chat_template` with every chat request that has none.
 * - `ollama.keepAlive`: default `keep_alive` (Go duration string or seconds, Ollama API docs, Conventions:
 *   https://github.com/ollama/ollama/blob/main/docs/api.md#conventions); `ollama.options`: default `options` merged
 *   under each request's own.
 */
export const ClientConfigSchema = z.strictObject({
  baseURL: z.url().optional(),
  apiKey: z.string().min(1).optional(),
  platform: z.enum(PLATFORM_NAMES),
  model: z.string().min(1).optional(),
  timeout: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).optional(),
  defaultHeaders: z.record(z.string(), z.string()).optional(),
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
 * Reads a client configuration from environment variables:
 * `SWITCHYARD_PLATFORM` (default `openai`), `SWITCHYARD_BASE_URL` (else `OPENAI_BASE_URL`, else `OLLAMA_HOST` for
 * Ollama), `SWITCHYARD_API_KEY` (else `OPENAI_API_KEY`, else `VLLM_API_KEY` for vLLM), `SWITCHYARD_MODEL`,
 * `SWITCHYARD_TIMEOUT_MS`, `SWITCHYARD_MAX_RETRIES`, `SWITCHYARD_UNSUPPORTED_PARAMS`.
 * @throws {z.ZodError} when a variable holds an invalid value
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const platform = env.SWITCHYARD_PLATFORM ?? 'openai';
  const ollamaHost = platform === 'ollama' ? env.OLLAMA_HOST : undefined;
  const raw = {
    platform,
    baseURL: env.SWITCHYARD_BASE_URL ?? env.OPENAI_BASE_URL ?? (ollamaHost && withScheme(ollamaHost)),
    apiKey:
      env.SWITCHYARD_API_KEY ?? env.OPENAI_API_KEY ?? (platform === 'vllm' ? env.VLLM_API_KEY : undefined),
    model: env.SWITCHYARD_MODEL,
    timeout: optionalInt(env.SWITCHYARD_TIMEOUT_MS),
    maxRetries: optionalInt(env.SWITCHYARD_MAX_RETRIES),
    unsupportedParams: env.SWITCHYARD_UNSUPPORTED_PARAMS,
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  return ClientConfigSchema.parse(defined);
}

function optionalInt(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : value;
}

/** `OLLAMA_HOST` may be `host:port` without a scheme. */
function withScheme(host: string): string {
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}
