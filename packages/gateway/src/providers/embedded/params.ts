import { z } from 'zod';
import { invalidParam } from '../../core/errors.js';

const optionalNumber = z.number().nullish();
const optionalInt = z.number().int().nullish();

/**
 * The request fields chat and legacy completions share (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create), plus vLLM's sampling extras `top_k`, `min_p`,
 * `repetition_penalty`, `min_tokens`, `ignore_eos`, `stop_token_ids`, `skip_special_tokens`,
 * `include_stop_str_in_output`, `prompt_logprobs` (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters; vLLM `SamplingParams`).
 * Unknown fields are allowed; `null` means "not sent".
 */
const GenerationFieldsSchema = z.looseObject({
  max_tokens: z.number().int().nonnegative().nullish(),
  max_completion_tokens: z.number().int().nonnegative().nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: optionalInt,
  temperature: z.number().min(0).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: optionalInt,
  min_p: z.number().min(0).max(1).nullish(),
  presence_penalty: optionalNumber,
  frequency_penalty: optionalNumber,
  repetition_penalty: z.number().positive().nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  min_tokens: z.number().int().nonnegative().nullish(),
  ignore_eos: z.boolean().nullish(),
  stop_token_ids: z.array(z.number().int().nonnegative()).nullish(),
  skip_special_tokens: z.boolean().nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  prompt_logprobs: z.number().int().min(0).max(20).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

/**
 * How a choice may end, beyond `max_tokens`: vLLM's sampling extras (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters).
 */
export interface EndingParams {
  /** `min_tokens`: end-of-generation tokens, `stop_token_ids` and stop strings are ignored before this many tokens. */
  minTokens: number;
  /** `ignore_eos`: an end-of-generation token does not end the choice (it is fed back like any token). */
  ignoreEos: boolean;
  /** `stop_token_ids`: tokens that end the choice (their text is cut unless `includeStopStr`). */
  stopTokenIds: ReadonlySet<number>;
  /** `include_stop_str_in_output`: keep the matched stop string (or stop token's text) in the text. */
  includeStopStr: boolean;
  /** `skip_special_tokens` (default true): false renders control tokens as their text. */
  skipSpecialTokens: boolean;
}

/** Sampling settings the client sent; absent fields stay absent (the engine's own behaviour applies). */
export interface SamplingParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  /** Client seed, any integer (reduced to 32 bits by the sampler). */
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  repetitionPenalty?: number;
  /** Token id → bias added to its logit (−100…100). */
  logitBias?: Map<number, number>;
}

/** Validated generation settings of one request. */
export interface GenerationParams {
  /**
   * `max_completion_tokens ?? max_tokens` (OpenAI API reference, Create chat completion:
   * https://platform.openai.com/docs/api-reference/chat/create); undefined: until EOS or context end.
   */
  maxTokens?: number;
  /** Choices per prompt. */
  n: number;
  /** Stop sequences (normalised to a list); the matched text is not returned. */
  stop: string[];
  sampling: SamplingParams;
  /** vLLM's ending controls (`min_tokens`, `ignore_eos`, …), vLLM's defaults when absent. */
  ending: EndingParams;
  /** vLLM's `prompt_logprobs`: alternatives per prompt token (0–20); undefined when not asked. */
  promptLogprobs?: number;
  stream: boolean;
  /** `stream_options.include_usage`: send a usage chunk before `[DONE]`. */
  includeUsage: boolean;
}

/**
 * Reads and validates the shared generation fields of a chat or completions body.
 * @throws GatewayError 400 with `param` naming the first invalid field
 */
export function readGenerationParams(body: Record<string, unknown>): GenerationParams {
  const parsed = GenerationFieldsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map(String).join('.') || 'body';
    throw invalidParam(param, `invalid value for '${param}': ${issue.message}`);
  }
  const b = parsed.data;
  const sampling: SamplingParams = {};
  if (b.temperature != null) sampling.temperature = b.temperature;
  if (b.top_p != null) sampling.topP = b.top_p;
  if (b.top_k != null) sampling.topK = b.top_k;
  if (b.min_p != null) sampling.minP = b.min_p;
  if (b.seed != null) sampling.seed = b.seed;
  if (b.presence_penalty != null) sampling.presencePenalty = b.presence_penalty;
  if (b.frequency_penalty != null) sampling.frequencyPenalty = b.frequency_penalty;
  if (b.repetition_penalty != null) sampling.repetitionPenalty = b.repetition_penalty;
  if (b.logit_bias != null) sampling.logitBias = readLogitBias(b.logit_bias);
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (b.min_tokens != null && maxTokens != null && b.min_tokens > maxTokens) {
    throw invalidParam(
      'min_tokens',
      `min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${b.min_tokens}.`,
    );
  }
  if (b.prompt_logprobs != null && b.stream === true) {
    throw invalidParam('prompt_logprobs', '`prompt_logprobs` are not available when `stream=True`.');
  }
  return {
    ...(maxTokens != null ? { maxTokens } : {}),
    ending: {
      minTokens: b.min_tokens ?? 0,
      ignoreEos: b.ignore_eos === true,
      stopTokenIds: new Set(b.stop_token_ids ?? []),
      includeStopStr: b.include_stop_str_in_output === true,
      skipSpecialTokens: b.skip_special_tokens !== false,
    },
    ...(b.prompt_logprobs != null ? { promptLogprobs: b.prompt_logprobs } : {}),
    n: b.n ?? 1,
    stop: b.stop == null ? [] : (Array.isArray(b.stop) ? b.stop : [b.stop]).filter((s) => s.length > 0),
    sampling,
    stream: b.stream === true,
    includeUsage: b.stream === true && b.stream_options?.include_usage === true,
  };
}

function readLogitBias(bias: Record<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [key, value] of Object.entries(bias)) {
    const token = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(token)) {
      throw invalidParam('logit_bias', `logit_bias keys must be token ids, got '${key}'`);
    }
    out.set(token, value);
  }
  return out;
}
