import { z } from 'zod';
import { invalidParam } from '../../core/errors.js';

const optionalNumber = z.number().nullish();
const optionalInt = z.number().int().nullish();

/**
 * The request fields chat and legacy completions share (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create), plus the vLLM sampling extras `top_k`, `min_p`,
 * `repetition_penalty` (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters). Unknown fields are allowed;
 * `null` means "not sent".
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
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

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
  return {
    ...(maxTokens != null ? { maxTokens } : {}),
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
