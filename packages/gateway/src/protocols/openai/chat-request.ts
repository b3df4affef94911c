/**
 * Reading an OpenAI chat request (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) for translation: the pieces every translating provider
 * needs, each failing with a 400 that names the offending field.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { invalidParam } from '../../core/errors.js';

/**
 * The `messages` array.
 * @throws GatewayError 400 (`messages`) when absent, empty or not an array of objects with a `role`
 */
export function chatMessages(body: Record<string, unknown>): ChatCompletionMessageParam[] {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam('messages', "'messages' must be a non-empty array");
  }
  messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || typeof (m as { role?: unknown }).role !== 'string') {
      throw invalidParam(`messages[${i}]`, `'messages[${i}]' must be an object with a 'role'`);
    }
  });
  return messages as ChatCompletionMessageParam[];
}

/**
 * The text of a `content` that may only hold text: a string, an array of `text` (or `refusal`) parts
 * (joined without separator), or null.
 * @param param request path for errors, e.g. `messages[0].content`
 * @throws GatewayError 400 naming `param` for other part types
 */
export function contentText(content: unknown, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidParam(param, `'${param}' must be a string or an array of parts`);
  return content
    .map((part, j) => {
      const p = part as { type?: unknown; text?: unknown; refusal?: unknown };
      if (p?.type === 'text' && typeof p.text === 'string') return p.text;
      if (p?.type === 'refusal' && typeof p.refusal === 'string') return p.refusal;
      throw invalidParam(`${param}[${j}]`, `'${param}[${j}]' must be a text part here`);
    })
    .join('');
}

/**
 * `stop` as an array (OpenAI allows a string or an array, OpenAI API reference, Create chat completion).
 * @returns undefined when absent
 * @throws GatewayError 400 (`stop`) for other types
 */
export function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop;
  throw invalidParam('stop', "'stop' must be a string or an array of strings");
}

/**
 * A `response_format` asking for JSON (OpenAI API reference, Create chat completion); `schema` is the JSON Schema
 * under `json_schema.schema`.
 */
export type JsonResponseFormat = { type: 'json_object' } | { type: 'json_schema'; schema: object };

/**
 * The request's `response_format` (OpenAI API reference, Create chat completion).
 * @returns undefined when absent, null or `{"type":"text"}`
 * @throws GatewayError 400 (`response_format`) for another type, or a `json_schema` without a schema object
 */
export function jsonResponseFormat(value: unknown): JsonResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = value as { type?: unknown; json_schema?: { schema?: unknown } };
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    if (typeof schema !== 'object' || schema === null) {
      throw invalidParam(
        'response_format',
        "'response_format.json_schema.schema' must be a JSON Schema object",
      );
    }
    return { type: 'json_schema', schema };
  }
  throw invalidParam('response_format', "'response_format.type' must be text, json_object or json_schema");
}

/**
 * The output budget: `max_completion_tokens ?? max_tokens` (OpenAI API reference, Create chat completion; the
 * gateway's rule).
 * @returns tokens, or undefined when the client sent neither
 * @throws GatewayError 400 naming the field when it is not a non-negative integer
 */
export function maxOutputTokens(body: Record<string, unknown>): number | undefined {
  for (const field of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw invalidParam(field, `'${field}' must be a non-negative integer`);
    }
    return value;
  }
  return undefined;
}

/**
 * `stream_options.include_usage` of a streaming request (OpenAI API reference, The chat completion chunk object:
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming).
 */
export function includeUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}
