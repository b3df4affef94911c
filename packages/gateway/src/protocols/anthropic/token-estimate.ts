/**
 * The documented estimate `POST /v1/messages/count_tokens` answers with when the routed provider has no
 * tokenizer the gateway can ask (OpenAI-compatible upstreams without `/tokenize`, Ollama, Gemini): one token
 * per four characters of the request's text, the rule of thumb of OpenAI's "What are tokens and how to count
 * them?" (https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them).
 */

/** Characters per token of the estimate. */
export const CHARACTERS_PER_TOKEN = 4;

/**
 * Estimated input tokens of a Count Tokens body (Anthropic API reference, Count Message tokens:
 * https://docs.anthropic.com/en/api/messages-count-tokens): the characters of `system`, of every text,
 * thinking and tool-result block, of every `tool_use` input (as JSON) and of every tool definition (as
 * JSON), divided by {@link CHARACTERS_PER_TOKEN} and rounded up. Images and documents count nothing.
 * @param body the parsed Count Tokens body
 * @returns tokens, at least 1
 */
export function estimateInputTokens(body: Record<string, unknown>): number {
  let characters = textLength(body.system);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages)
      characters += textLength((message as { content?: unknown })?.content);
  }
  if (Array.isArray(body.tools)) characters += JSON.stringify(body.tools).length;
  return Math.max(1, Math.ceil(characters / CHARACTERS_PER_TOKEN));
}

/** Characters of a string or of the text in a content block array. */
function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let characters = 0;
  for (const block of content as Record<string, unknown>[]) {
    if (typeof block?.text === 'string') characters += block.text.length;
    if (typeof block?.thinking === 'string') characters += block.thinking.length;
    if (block?.type === 'tool_use') characters += JSON.stringify(block.input ?? {}).length;
    if (block?.type === 'tool_result') characters += textLength(block.content);
  }
  return characters;
}
