/**
 * Bounds checked before a request is routed, whatever its ingress protocol: how many choices (`n`,
 * `best_of`) one request may ask for, how many inputs one embeddings request may batch, and a completion
 * budget (`max_tokens` / `max_completion_tokens`) that cannot fit the model's context at all. The context
 * answer is worded as vLLM's (400 `context_length_exceeded`, vLLM "OpenAI-Compatible Server":
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) so clients that parse it keep working.
 */
import { GatewayError } from '../core/errors.js';
import type { Endpoint } from '../providers/provider.js';

/** The `server:` limits (config/schema.ts). */
export interface RequestLimits {
  /** Largest `n` (and `best_of`) accepted. */
  maxN: number;
  /** Largest number of inputs in one embeddings request. */
  maxEmbeddingInputs: number;
}

/**
 * @param maxModelLen the model's context length in tokens, when its provider reports one
 * @throws GatewayError 400 `invalid_value` naming `n`, `best_of` or `input` over its bound (the message
 *   names the `server.*` setting), or 400 `context_length_exceeded` naming the completion budget field
 */
export function checkRequestLimits(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  limits: RequestLimits,
  maxModelLen: number | undefined,
): void {
  if (endpoint === 'embeddings') {
    const input = body.input;
    if (Array.isArray(input) && input.length > limits.maxEmbeddingInputs) {
      throw new GatewayError(
        400,
        `'input' has ${input.length} items; at most ${limits.maxEmbeddingInputs} are accepted per request (server.max_embedding_inputs)`,
        { param: 'input', code: 'invalid_value' },
      );
    }
    return;
  }
  if (endpoint !== 'chat.completions' && endpoint !== 'completions') return;
  for (const param of ['n', 'best_of'] as const) {
    const value = body[param];
    if (typeof value === 'number' && value > limits.maxN) {
      throw new GatewayError(
        400,
        `'${param}' is ${value}; at most ${limits.maxN} is accepted (server.max_n)`,
        { param, code: 'invalid_value' },
      );
    }
  }
  if (maxModelLen === undefined) return;
  for (const param of ['max_completion_tokens', 'max_tokens'] as const) {
    const requested = body[param];
    if (typeof requested !== 'number' || requested < maxModelLen) continue;
    throw new GatewayError(
      400,
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${requested} tokens for the completion alone (${param}), and the prompt needs at least 1 more, for a total of at least ${requested + 1} tokens. Please reduce ${param} or the length of the prompt.`,
      { param, code: 'context_length_exceeded' },
    );
  }
}
