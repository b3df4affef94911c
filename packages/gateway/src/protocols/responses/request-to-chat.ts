/**
 * A Responses API request (OpenAI API reference, Responses, Create a model response:
 * https://platform.openai.com/docs/api-reference/responses/create) as the canonical chat completion request
 * (OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create).
 * Only what the client sent is carried over; nothing is defaulted. The streamed translation asks the provider
 * for usage (`stream_options.include_usage`), since every Responses answer reports it.
 */
import { invalidParam } from '../../core/errors.js';
import { itemsToMessages, type ResponseItem } from './items-to-messages.js';
import { type ToolName, toolsToChat } from './tools-to-chat.js';

/** The translated request and what the answer's translation needs. */
export interface ChatTranslation {
  /** The canonical chat completion body. */
  chat: Record<string, unknown>;
  /** Hosted tool types left out of `chat` (for `x-switchyard-dropped-tools`). */
  droppedTools: string[];
  /** Chat tool name → Responses function name and namespace. */
  toolNames: Map<string, ToolName>;
}

/** Request fields copied to the chat body under the same name. */
const SAME_NAME = [
  'temperature',
  'top_p',
  'parallel_tool_calls',
  'prompt_cache_key',
  'user',
  'safety_identifier',
];

/**
 * @param body the Responses request
 * @param history items of the earlier responses of the conversation (`previous_response_id`), oldest first
 * @param input this request's input items (see inputItems)
 * @throws GatewayError 400 naming the field for anything the translation cannot carry (items-to-messages.ts,
 *   tools-to-chat.ts, `text.format`, `max_output_tokens`, `instructions`)
 */
export function responsesToChat(
  body: Record<string, unknown>,
  history: readonly ResponseItem[],
  input: readonly ResponseItem[],
): ChatTranslation {
  const messages = itemsToMessages([...history, ...input], history.length);
  const instructions = body.instructions;
  if (instructions !== undefined && instructions !== null) {
    if (typeof instructions !== 'string')
      throw invalidParam('instructions', "'instructions' must be a string");
    messages.unshift({ role: 'system', content: instructions });
  }
  if (messages.length === 0) throw invalidParam('input', "'input' is required");
  const tools = toolsToChat(body.tools, body.tool_choice);
  const chat: Record<string, unknown> = { model: body.model, messages };
  for (const field of SAME_NAME)
    if (body[field] !== undefined && body[field] !== null) chat[field] = body[field];
  if (tools.tools) chat.tools = tools.tools;
  if (tools.toolChoice !== undefined) chat.tool_choice = tools.toolChoice;
  const max = body.max_output_tokens;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw invalidParam('max_output_tokens', "'max_output_tokens' must be a positive integer");
    }
    chat.max_completion_tokens = max;
  }
  const format = responseFormat((body.text as { format?: unknown } | undefined)?.format);
  if (format) chat.response_format = format;
  const effort = (body.reasoning as { effort?: unknown } | undefined)?.effort;
  if (typeof effort === 'string') chat.reasoning_effort = effort;
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return { chat, droppedTools: tools.dropped, toolNames: tools.names };
}

/** `text.format` as chat `response_format`; `text` (the default) as none. */
function responseFormat(format: unknown): Record<string, unknown> | undefined {
  if (format === undefined || format === null) return undefined;
  const f = format as {
    type?: unknown;
    name?: unknown;
    schema?: unknown;
    strict?: unknown;
    description?: unknown;
  };
  if (f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  if (f.type === 'json_schema') {
    if (typeof f.name !== 'string' || typeof f.schema !== 'object' || f.schema === null) {
      throw invalidParam('text.format', "'text.format' of type json_schema needs a name and a schema");
    }
    return {
      type: 'json_schema',
      json_schema: {
        name: f.name,
        schema: f.schema,
        ...(typeof f.strict === 'boolean' ? { strict: f.strict } : {}),
        ...(typeof f.description === 'string' ? { description: f.description } : {}),
      },
    };
  }
  throw invalidParam('text.format.type', "'text.format.type' must be text, json_object or json_schema");
}
