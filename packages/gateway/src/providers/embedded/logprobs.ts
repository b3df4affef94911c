import type { Token } from 'node-llama-cpp';
import type { ModelEngine } from './engine.js';
import { detokenizeTokens, tokenBytes } from './tokenizer.js';

/**
 * OpenAI's logprob for a token outside the reported distribution (OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object).
 */
const UNLISTED_LOGPROB = -9999;

/**
 * One token with its log probability, in OpenAI chat shape (OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object).
 */
export interface ChatTokenLogprob {
  token: string;
  /** Natural log of the probability; −9999 when the sampler gave it probability 0. */
  logprob: number;
  /** UTF-8 bytes of the token. */
  bytes: number[];
}

/** A generated token's logprob and its most likely alternatives. */
export interface SampledTokenLogprob extends ChatTokenLogprob {
  /** Most likely tokens at this position, highest first (at most the requested count). */
  top_logprobs: ChatTokenLogprob[];
}

/**
 * The logprob entry of a sampled token from the probabilities llama.cpp reports for that step. They come
 * from the sampler chain as configured for the request: logit bias, penalties and grammar are applied, and
 * with a temperature > 0 also top-k/top-p/min-p truncation and temperature scaling; at temperature 0 they
 * are the model's softmax over the whole vocabulary.
 * @param probabilities token → probability, sorted from most to least likely (node-llama-cpp's order)
 * @param topCount how many alternatives to list (0–20)
 * @param preceding tokens before this one (for the spacing of token texts)
 */
export function sampledTokenLogprob(
  engine: ModelEngine,
  token: Token,
  probabilities: ReadonlyMap<Token, number>,
  topCount: number,
  preceding: readonly Token[],
): SampledTokenLogprob {
  const top: ChatTokenLogprob[] = [];
  for (const [candidate, probability] of probabilities) {
    if (top.length >= topCount || probability <= 0) break;
    top.push(entry(engine, candidate, probability, preceding));
  }
  return { ...entry(engine, token, probabilities.get(token) ?? 0, preceding), top_logprobs: top };
}

function entry(
  engine: ModelEngine,
  token: Token,
  probability: number,
  preceding: readonly Token[],
): ChatTokenLogprob {
  const text = detokenizeTokens(engine.model, [token], false, preceding);
  return {
    token: text,
    logprob: probability > 0 ? Math.log(probability) : UNLISTED_LOGPROB,
    bytes: tokenBytes(engine.model, engine.vocabulary, token, text),
  };
}

/**
 * Legacy completions `logprobs` object: four parallel arrays (OpenAI API reference, The completion object:
 * https://platform.openai.com/docs/api-reference/completions/object).
 */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  /** Per token: token text → logprob of the top alternatives plus the sampled token. */
  top_logprobs: Record<string, number>[];
  /** Character offset of each token in the choice's `text` (counting the prompt when echoed). */
  text_offset: number[];
}

/**
 * Converts chat-shaped token logprobs to the legacy completions layout.
 * @param startOffset character offset of the first token in the returned text (prompt length when echoed)
 */
export function toCompletionLogprobs(
  entries: readonly SampledTokenLogprob[],
  startOffset: number,
): CompletionLogprobs {
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = startOffset;
  for (const e of entries) {
    out.tokens.push(e.token);
    out.token_logprobs.push(e.logprob);
    const top: Record<string, number> = {};
    for (const alt of e.top_logprobs) top[alt.token] ??= alt.logprob;
    top[e.token] ??= e.logprob;
    out.top_logprobs.push(top);
    out.text_offset.push(offset);
    offset += e.token.length;
  }
  return out;
}
