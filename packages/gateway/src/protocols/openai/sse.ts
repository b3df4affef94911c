/**
 * Server-sent events as OpenAI streams them: `data: <json>\n\n` per chunk, `data: [DONE]\n\n` last
 * (OpenAI API reference, The chat completion chunk object:
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming). Errors after the stream started are sent
 * as `data: {"error": {...}}\n\n`.
 */

/** The terminal event of an OpenAI stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** Encodes one JSON value as an SSE `data:` event. */
export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
