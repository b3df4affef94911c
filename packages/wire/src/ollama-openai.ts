/**
 * Field mappings between Ollama's native API and OpenAI's, as Ollama's own OpenAI layer applies them (Ollama's
 * OpenAI translation, openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go; Ollama docs,
 * OpenAI compatibility: https://docs.ollama.com/api/openai-compatibility).
 */
import type { OllamaLogprob } from './ollama.js';

/**
 * OpenAI `reasoning_effort` → Ollama `think`: `none` turns thinking off, `minimal` is Ollama's `low`, `xhigh` its
 * `max`, the other levels keep their names.
 */
export const THINK_FROM_REASONING_EFFORT: Readonly<Record<string, boolean | string>> = {
  none: false,
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  max: 'max',
  xhigh: 'max',
};

/**
 * The legacy completions `logprobs` object: four parallel arrays (OpenAI API reference, The completion object:
 * https://platform.openai.com/docs/api-reference/completions/object).
 */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  /** Per token, the alternatives by token text, the sampled token included. */
  top_logprobs: Record<string, number>[];
  /** Character offset of each token in the choice's text. */
  text_offset: number[];
}

/**
 * Ollama's `logprobs` list (v0.12.11+) as the legacy completions object. Each `top_logprobs` map includes the
 * sampled token, added when Ollama's alternatives leave it out.
 * @param list the `logprobs` of a `/api/generate` response or stream line
 * @param offset character offset of the first token in the choice's text (non-zero for later stream chunks)
 */
export function completionLogprobs(list: readonly OllamaLogprob[], offset: number): CompletionLogprobs {
  const textOffset: number[] = [];
  let at = offset;
  for (const item of list) {
    textOffset.push(at);
    at += item.token.length;
  }
  return {
    tokens: list.map((item) => item.token),
    token_logprobs: list.map((item) => item.logprob),
    top_logprobs: list.map((item) => {
      const top: Record<string, number> = {};
      for (const alt of item.top_logprobs ?? []) top[alt.token] = alt.logprob;
      if (!(item.token in top)) top[item.token] = item.logprob;
      return top;
    }),
    text_offset: textOffset,
  };
}
