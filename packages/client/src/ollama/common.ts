/**
 * Mapping shared by Ollama's chat and generate translations (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go): OpenAI sampling fields to `options`,
 * `response_format` to `format`, `reasoning_effort` to `think`, the unsupported-parameter rules, ids, timestamps,
 * usage and finish reasons.
 */
import { type KeepAlive, type OllamaMetrics, THINK_FROM_REASONING_EFFORT } from '@switchyard/wire';
import type { CompletionUsage } from 'openai/resources/completions';
import { UnsupportedParamError } from '../errors.js';
import type { JsonBody } from '../platforms/platform.js';
import type { ParamPolicy } from '../unsupported-params.js';

/**
 * Ollama version that added `logprobs` / `top_logprobs` (Ollama API docs, Generate a completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion, v0.12.11).
 */
export const LOGPROBS_SINCE = '0.12.11';

/** What the translations need from the client. */
export interface OllamaRequestContext {
  params: ParamPolicy;
  /** `ollama.keepAlive` of the config. */
  keepAlive: KeepAlive | undefined;
  /** `ollama.options` of the config. */
  options: Record<string, unknown> | undefined;
  /** Whether the server is older than {@link LOGPROBS_SINCE}; asked only when logprobs are requested. */
  lacksLogprobs: () => Promise<boolean>;
}

/** OpenAI fields that do not change the output and have no Ollama equivalent: left out without notice. */
const IGNORED = ['user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier'];

const SAME_NAME_OPTIONS = ['temperature', 'top_p', 'seed', 'frequency_penalty', 'presence_penalty'];

/**
 * Moves the fields chat and generate share from the OpenAI body `rest` (consumed keys are deleted) into the
 * native body. Leftover keys of `rest` are copied by the caller, so `extraBody` reaches the server unchanged.
 * @throws {UnsupportedParamError} per the policy, for `n > 1`, `logit_bias`, and `logprobs` on old servers
 */
export function mapGenerationFields(rest: JsonBody, native: JsonBody, ctx: OllamaRequestContext) {
  for (const key of IGNORED) delete rest[key];
  delete rest.stream_options;
  if (typeof rest.n === 'number' && rest.n > 1) ctx.params.reject(rest, 'n', 'Ollama returns one choice');
  delete rest.n;
  if (rest.logit_bias !== undefined) ctx.params.reject(rest, 'logit_bias', 'Ollama has no logit bias');
  delete rest.logit_bias;

  const options: Record<string, unknown> = { ...ctx.options };
  const maxTokens = rest.max_completion_tokens ?? rest.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) options.num_predict = maxTokens;
  delete rest.max_completion_tokens;
  delete rest.max_tokens;
  for (const key of SAME_NAME_OPTIONS) {
    if (rest[key] !== undefined && rest[key] !== null) options[key] = rest[key];
    delete rest[key];
  }
  if (rest.stop !== undefined && rest.stop !== null)
    options.stop = Array.isArray(rest.stop) ? rest.stop : [rest.stop];
  delete rest.stop;
  if (rest.options && typeof rest.options === 'object') Object.assign(options, rest.options);
  delete rest.options;
  if (Object.keys(options).length > 0) native.options = options;

  const format = formatOf(rest.response_format);
  if (format !== undefined) native.format = format;
  delete rest.response_format;
  if (typeof rest.reasoning_effort === 'string' && rest.reasoning_effort in THINK_FROM_REASONING_EFFORT) {
    native.think = THINK_FROM_REASONING_EFFORT[rest.reasoning_effort];
  }
  delete rest.reasoning_effort;

  const keepAlive = rest.keep_alive ?? ctx.keepAlive;
  if (keepAlive !== undefined) native.keep_alive = keepAlive;
  delete rest.keep_alive;
  native.stream = rest.stream === true;
  delete rest.stream;
}

/** `logprobs`/`top_logprobs` for chat, or the integer `logprobs` of completions (`completionStyle`). */
export async function mapLogprobs(
  rest: JsonBody,
  native: JsonBody,
  ctx: OllamaRequestContext,
  completionStyle: boolean,
) {
  const requested = completionStyle ? typeof rest.logprobs === 'number' : rest.logprobs === true;
  if (requested && (await ctx.lacksLogprobs())) {
    ctx.params.reject(rest, 'logprobs', `needs Ollama ${LOGPROBS_SINCE}`);
    delete rest.top_logprobs;
    return;
  }
  if (requested) {
    native.logprobs = true;
    const top = completionStyle ? rest.logprobs : rest.top_logprobs;
    if (typeof top === 'number' && top > 0) native.top_logprobs = top;
  }
  delete rest.logprobs;
  delete rest.top_logprobs;
}

function formatOf(responseFormat: unknown): unknown {
  if (!responseFormat || typeof responseFormat !== 'object') return undefined;
  const rf = responseFormat as { type?: string; json_schema?: { schema?: unknown } };
  if (rf.type === 'json_object') return 'json';
  if (rf.type === 'json_schema') return rf.json_schema?.schema ?? 'json';
  return undefined;
}

/** Throws for a value the platform cannot send at all (nothing to drop it to). */
export function cannotSend(param: string, reason: string): never {
  throw new UnsupportedParamError(param, 'ollama', reason);
}

/**
 * A fresh `<prefix>-<24 hex>` id: Ollama sends none (its own /v1 ids are not unique, Ollama's own OpenAI translation,
 * openai/openai.go).
 */
export function newId(prefix: string): string {
  return `${prefix}-${[...randomBytes(12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** `call_` plus 8 random `[a-z0-9]`, the form Ollama ≥ 0.12.10 uses, for servers that send no tool call id. */
export function newToolCallId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `call_${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** `n` random bytes from Web Crypto (a global in Node 20+, browsers, Deno and Bun). */
function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** RFC 3339 `created_at` → Unix seconds (now when absent or unparsable). */
export function unixSeconds(createdAt: string | undefined): number {
  const ms = createdAt ? Date.parse(createdAt) : Number.NaN;
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

/**
 * Usage from the metrics of a final line; missing counts are 0 (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions).
 */
export function usageOf(metrics: OllamaMetrics): CompletionUsage {
  const prompt = metrics.prompt_eval_count ?? 0;
  const completion = metrics.eval_count ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * The timing metrics of a final line, under their wire names (durations in ns, counts in tokens; Ollama API docs,
 * Conventions: https://github.com/ollama/ollama/blob/main/docs/api.md#conventions), to keep on the OpenAI-shaped
 * result; absent ones are left out.
 */
export function metricsOf(line: OllamaMetrics): OllamaMetrics {
  const keys = [
    'total_duration',
    'load_duration',
    'prompt_eval_count',
    'prompt_eval_duration',
    'eval_count',
    'eval_duration',
  ] as const;
  return Object.fromEntries(keys.filter((k) => line[k] !== undefined).map((k) => [k, line[k]]));
}

/**
 * `done_reason` → OpenAI `finish_reason` (Ollama's own OpenAI translation, openai/openai.go): `length` stays,
 * anything else is `stop`.
 */
export function finishReasonOf(doneReason: string | undefined): 'stop' | 'length' {
  return doneReason === 'length' ? 'length' : 'stop';
}
