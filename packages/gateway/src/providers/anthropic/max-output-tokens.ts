/**
 * The largest `max_tokens` each Claude family accepts, sent when a `/v1/chat/completions` client gives no
 * `max_tokens` (the Messages API requires it; most OpenAI clients never send it). From Anthropic's "Models
 * overview" (https://docs.anthropic.com/en/docs/about-claude/models/overview), "Max output" row, without
 * beta headers. Kept as data: a model is matched by the longest family prefix of its name, so dated ids
 * (`claude-sonnet-4-5-20250929`) and aliases (`claude-sonnet-4-5`) share an entry.
 */

/** Family prefix of a Claude model name → its maximum output, in tokens. */
export const CLAUDE_MAX_OUTPUT_TOKENS: Readonly<Record<string, number>> = {
  'claude-opus-4-5': 64_000,
  'claude-opus-4-1': 32_000,
  'claude-opus-4': 32_000,
  'claude-sonnet-4-5': 64_000,
  'claude-sonnet-4': 64_000,
  'claude-haiku-4-5': 64_000,
  'claude-3-7-sonnet': 64_000,
  'claude-3-5-sonnet': 8_192,
  'claude-3-5-haiku': 8_192,
  'claude-3-opus': 4_096,
  'claude-3-sonnet': 4_096,
  'claude-3-haiku': 4_096,
};

/** Prefixes longest first, so `claude-opus-4-1` wins over `claude-opus-4`. */
const PREFIXES = Object.keys(CLAUDE_MAX_OUTPUT_TOKENS).sort((a, b) => b.length - a.length);

/**
 * The maximum output of an upstream model name, in tokens.
 * @returns undefined for a name of no family in {@link CLAUDE_MAX_OUTPUT_TOKENS}
 */
export function claudeMaxOutputTokens(model: string): number | undefined {
  const prefix = PREFIXES.find((p) => model === p || model.startsWith(`${p}-`) || model.startsWith(`${p}@`));
  return prefix === undefined ? undefined : CLAUDE_MAX_OUTPUT_TOKENS[prefix];
}
