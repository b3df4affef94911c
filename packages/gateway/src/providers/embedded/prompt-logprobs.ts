import type { ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import type { ModelEngine } from './engine.js';
import { detokenizeTokens } from './tokenizer.js';

/** One token's entry in vLLM's `prompt_logprobs` (vLLM `Logprob`). */
export interface PromptTokenLogprob {
  /** Natural log of the model's probability; −9999 when it is 0. */
  logprob: number;
  /** 1-based rank of the token in the model's distribution at that position. */
  rank: number;
  /** The token's text. */
  decoded_token: string;
}

/**
 * vLLM's `prompt_logprobs` (vLLM docs, Extra Parameters:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters; vLLM
 * `SamplingParams.prompt_logprobs`): one entry per prompt token, `null` for the first (nothing precedes it),
 * then token id → {@link PromptTokenLogprob} holding the prompt token itself and the `top` most likely
 * tokens at that position. The probabilities are the model's own (softmax of the logits, no sampling
 * settings applied), from one evaluation of the prompt on a pooled sequence.
 * @param top alternatives per position (0–20)
 * @throws the signal's reason when aborted while waiting for a sequence
 */
export async function promptLogprobs(
  engine: ModelEngine,
  tokens: readonly Token[],
  top: number,
  signal: AbortSignal,
): Promise<(Record<string, PromptTokenLogprob> | null)[]> {
  const sequence = await engine.pool.acquire(signal);
  try {
    const input: ControlledEvaluateInputItem[] = tokens.map((token, i) =>
      i < tokens.length - 1 ? [token, { generateNext: { probabilities: true } }] : token,
    );
    const outputs = await sequence.controlledEvaluate(input);
    const out: (Record<string, PromptTokenLogprob> | null)[] = [null];
    for (let i = 1; i < tokens.length; i++) {
      const probabilities = outputs[i - 1]?.next.probabilities ?? new Map<Token, number>();
      const preceding = tokens.slice(Math.max(0, i - 8), i);
      const entry: Record<string, PromptTokenLogprob> = {};
      let rank = 0;
      let found = false;
      for (const [token, probability] of probabilities) {
        rank++;
        const isPromptToken = token === tokens[i];
        if (rank <= top || isPromptToken) {
          entry[String(token)] = logprobOf(engine, token, probability, rank, preceding);
        }
        if (isPromptToken) found = true;
        if (found && rank >= top) break;
      }
      if (!found)
        entry[String(tokens[i])] = logprobOf(engine, tokens[i]!, 0, probabilities.size + 1, preceding);
      out.push(entry);
    }
    return out;
  } finally {
    await engine.pool.release(sequence);
  }
}

function logprobOf(
  engine: ModelEngine,
  token: Token,
  probability: number,
  rank: number,
  preceding: readonly Token[],
): PromptTokenLogprob {
  return {
    logprob: probability > 0 ? Math.log(probability) : -9999,
    rank,
    decoded_token: detokenizeTokens(engine.model, [token], false, preceding),
  };
}
