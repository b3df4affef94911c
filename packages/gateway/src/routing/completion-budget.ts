/**
 * The completion budget of an ingress that asks for clamping (`RouteRequest.clampMaxTokens`, set by
 * `/v1/messages`): Anthropic clients send a `max_tokens` sized for Claude whatever the model (Claude Code
 * sends 32,000; Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages makes it
 * required), so on a translated path a budget the model's context cannot hold is lowered instead of refused.
 * Here the gateway does not know the prompt's length in the upstream's tokens: a budget of the whole
 * context length or more is lowered to the context length minus an estimate of the prompt (one token per
 * four characters of its JSON, OpenAI's rule of thumb in "What are tokens and how to count them?":
 * https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them), at least 1. Providers
 * that count the prompt themselves (the embedded engine, `Provider.clampsMaxTokens`) are left to clamp
 * exactly. A budget under the context length is passed as is: an upstream that cannot fit it with the
 * prompt answers with its own error.
 */

/** Characters per token of the prompt estimate. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * @param body a canonical chat completions body (`messages`, `tools`, `max_tokens` / `max_completion_tokens`)
 * @param maxModelLen the model's context length in tokens, when its provider reports one
 * @returns `body` itself when its budget fits or the context length is unknown, else a copy with each budget
 *   field over the context length lowered
 */
export function fitCompletionBudget(
  body: Record<string, unknown>,
  maxModelLen: number | undefined,
): Record<string, unknown> {
  if (maxModelLen === undefined) return body;
  let fitted: Record<string, unknown> | undefined;
  for (const param of ['max_completion_tokens', 'max_tokens'] as const) {
    const requested = body[param];
    if (typeof requested !== 'number' || requested < maxModelLen) continue;
    fitted ??= { ...body };
    fitted[param] = Math.max(1, maxModelLen - estimatePromptTokens(body));
  }
  return fitted ?? body;
}

/** Estimated tokens of a chat body's `messages` and `tools`, from the length of their JSON. */
function estimatePromptTokens(body: Record<string, unknown>): number {
  const characters = JSON.stringify(body.messages ?? []).length + JSON.stringify(body.tools ?? []).length;
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}
