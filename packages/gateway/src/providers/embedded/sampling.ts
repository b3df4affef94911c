import { randomInt } from 'node:crypto';
import type { LlamaGrammarEvaluationState, SequenceEvaluateOptions, Token, TokenBias } from 'node-llama-cpp';
import { GatewayError } from '../../core/errors.js';
import type { ModelEngine } from './engine.js';
import { loadedLlamaModule } from './llama-module.js';
import type { SamplingParams } from './params.js';

/**
 * Maps the client's sampling fields to node-llama-cpp's sampler options, passing only what the client sent.
 * For a field the client left out, llama.cpp's sampler behaves as node-llama-cpp defines it: temperature 0
 * (greedy decoding), and when a temperature > 0 is sent, top_k 40 and top_p 0.95 unless sent too, min_p off,
 * no penalties. The one exception is the seed: node-llama-cpp would seed with the current second, which
 * makes parallel choices identical, so an unseeded request draws a random seed per choice.
 *
 * - `temperature`, `top_p`, `top_k` (≤ 0 disables it, as in vLLM), `min_p` map one to one.
 * - `seed`: reduced to 32 bits; choice `i` of a request with `n > 1` uses `seed + i`, so choices differ
 *   while the same request repeats exactly.
 * - `presence_penalty`, `frequency_penalty` (OpenAI's additive penalties) and `repetition_penalty` (vLLM's
 *   multiplicative one, 1 = off) go to llama.cpp's penalties sampler over the tokens generated so far.
 * - `logit_bias` (token id → −100…100) is added to the logits by llama.cpp's logit-bias sampler.
 *
 * @param generated the tokens generated so far by this choice (read at every step for the penalties)
 * @throws GatewayError 400 (`param: logit_bias`) for a token id outside the vocabulary or an
 *   end-of-generation token (node-llama-cpp cannot bias those)
 */
export function samplerOptions(
  engine: ModelEngine,
  params: SamplingParams,
  choiceIndex: number,
  generated: readonly Token[],
  grammar: LlamaGrammarEvaluationState | undefined,
): SequenceEvaluateOptions {
  const options: SequenceEvaluateOptions = {
    seed:
      params.seed === undefined
        ? randomInt(2 ** 32)
        : Number(BigInt.asUintN(32, BigInt(params.seed + choiceIndex))),
  };
  if (params.temperature !== undefined) options.temperature = params.temperature;
  if (params.topP !== undefined) options.topP = params.topP;
  if (params.topK !== undefined) options.topK = Math.max(0, params.topK);
  if (params.minP !== undefined) options.minP = params.minP;
  if (
    params.presencePenalty !== undefined ||
    params.frequencyPenalty !== undefined ||
    params.repetitionPenalty !== undefined
  ) {
    options.repeatPenalty = {
      punishTokens: () => generated as Token[],
      penalty: params.repetitionPenalty ?? 1,
      presencePenalty: params.presencePenalty ?? 0,
      frequencyPenalty: params.frequencyPenalty ?? 0,
    };
  }
  if (params.logitBias && params.logitBias.size > 0) options.tokenBias = tokenBias(engine, params.logitBias);
  if (grammar) options.grammarEvaluationState = grammar;
  return options;
}

function tokenBias(engine: ModelEngine, bias: Map<number, number>): TokenBias {
  const out = new (loadedLlamaModule().TokenBias)(engine.model.tokenizer);
  for (const [token, value] of bias) {
    if (!engine.isValidToken(token)) {
      throw new GatewayError(
        400,
        `logit_bias: token id ${token} is outside the model's vocabulary (${engine.vocabulary.length} tokens)`,
        {
          param: 'logit_bias',
          code: 'invalid_value',
        },
      );
    }
    if (engine.model.isEogToken(token as Token)) {
      throw new GatewayError(
        400,
        `logit_bias: token ${token} ends generation; the embedded engine cannot bias it`,
        {
          param: 'logit_bias',
          code: 'unsupported_parameter',
        },
      );
    }
    out.set(token as Token, { logit: value });
  }
  return out;
}
