/**
 * Anthropic Messages request → the canonical OpenAI chat-completions request, for the `/v1/messages`
 * ingress on providers that do not speak Anthropic. Field meanings: Anthropic API reference, Messages
 * (https://docs.anthropic.com/en/api/messages); the canonical side: OpenAI API reference, Chat
 * Completions (https://platform.openai.com/docs/api-reference/chat/create).
 *
 * | Anthropic | canonical chat |
 * | --- | --- |
 * | `system` (string or text blocks), `system` role turns | `system` messages, in place |
 * | user `text` / `image` (base64, url) blocks | `text` / `image_url` parts (base64 as a data URL) |
 * | user `tool_result` blocks | one `tool` message each (`is_error` kept as an extension field), before the turn's other blocks |
 * | assistant `text`, `tool_use`, `thinking` | `content`, `tool_calls` (`input` JSON-encoded), `reasoning_content` |
 * | `max_tokens` | `max_tokens` |
 * | `stop_sequences`, `temperature`, `top_p`, `top_k` | `stop`, `temperature`, `top_p`, `top_k` |
 * | `tools[].input_schema` | `tools[].function.parameters`, unchanged |
 * | `tool_choice` auto / any / tool / none, `disable_parallel_tool_use` | `auto` / `required` / a named function / `none`, `parallel_tool_calls: false` |
 * | `thinking` `enabled` | `thinking` (the canonical extension Anthropic-speaking providers honour; others refuse it) |
 * | `output_config.effort` other than `high` | `reasoning_effort` |
 * | `output_config.format` json_schema | `response_format` json_schema |
 * | `stream: true` | `stream: true`, `stream_options.include_usage` (the final usage goes into `message_delta`) |
 *
 * Fields that ask the provider for nothing are accepted and not forwarded: `cache_control` on blocks,
 * `service_tier`, `container`, `context_management`, `mcp_servers`, `metadata` (its `user_id` is not sent as
 * OpenAI's `user`, which the embedded, Ollama and Gemini provider types refuse), `thinking` `adaptive` or `disabled`
 * (the model decides, or does not think), `output_config.effort: "high"` (Anthropic's default effort),
 * `citations` on text blocks and `redacted_thinking` blocks (opaque to every other provider).
 */
import { invalidParam } from '../../core/errors.js';

/** An Anthropic content block as sent in a request (Messages reference, "content"). */
type Block = Record<string, unknown> & { type?: unknown };

/** A canonical chat message (OpenAI chat wire shape plus the extension fields named above). */
export type ChatMessage = Record<string, unknown> & { role: string };

/** Reasoning efforts the canonical `reasoning_effort` takes from `output_config.effort`. */
const EFFORTS = new Set(['low', 'medium', 'xhigh', 'max']);

/** Image media types Anthropic accepts for base64 sources (Messages reference, "image"). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Builds the canonical chat request. Only fields the client sent are set (plus `stream_options` on a stream,
 * to receive the usage Anthropic's final `message_delta` reports).
 * @param body the parsed Messages request (its `model`, `max_tokens` and `messages` already checked present)
 * @returns the chat-completions body, `model` unchanged (routing resolves it)
 * @throws GatewayError 400 naming the field (e.g. `messages[1].content[0]`) for malformed input and for
 *   `document` blocks, which the chat format cannot carry
 */
export function messagesToChat(body: Record<string, unknown>): Record<string, unknown> {
  const chat: Record<string, unknown> = {
    model: body.model,
    messages: [...systemMessages(body.system), ...turns(body.messages)],
    max_tokens: body.max_tokens,
  };
  const stop = body.stop_sequences;
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) {
      throw invalidParam('stop_sequences', "'stop_sequences' must be an array of strings");
    }
    if (stop.length > 0) chat.stop = stop;
  }
  for (const field of ['temperature', 'top_p', 'top_k'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw invalidParam(field, `'${field}' must be a number`);
    chat[field] = value;
  }
  mapTools(body, chat);
  mapThinking(body.thinking, chat);
  mapOutputConfig(body.output_config, chat);
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** `system` as a string or text blocks → one system message (text blocks kept as text parts). */
function systemMessages(system: unknown): ChatMessage[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }];
  if (!Array.isArray(system))
    throw invalidParam('system', "'system' must be a string or an array of text blocks");
  const parts = system.map((block: Block, i) => {
    if (block?.type !== 'text' || typeof block.text !== 'string') {
      throw invalidParam(`system[${i}]`, `'system[${i}]' must be a text block`);
    }
    return { type: 'text', text: block.text };
  });
  return parts.length === 0 ? [] : [{ role: 'system', content: parts }];
}

function turns(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam('messages', "'messages' must be a non-empty array");
  }
  const out: ChatMessage[] = [];
  messages.forEach((message: { role?: unknown; content?: unknown }, i) => {
    const at = `messages[${i}]`;
    const role = message?.role;
    if (role === 'user') out.push(...userTurn(message.content, at));
    else if (role === 'assistant') out.push(assistantTurn(message.content, at));
    else if (role === 'system') out.push(...systemTurn(message.content, at));
    else throw invalidParam(`${at}.role`, `'${at}.role' must be 'user' or 'assistant'`);
  });
  return out;
}

/** A `system` role inside `messages` (sent by some clients) stays a system message in place. */
function systemTurn(content: unknown, at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'system', content }];
  return blocksOf(content, at).map((block, j) => {
    if (block.type !== 'text' || typeof block.text !== 'string') {
      throw invalidParam(`${at}.content[${j}]`, `'${at}.content[${j}]' must be a text block`);
    }
    return { role: 'system', content: block.text };
  });
}

/**
 * A user turn: its `tool_result` blocks become `tool` messages (first, as OpenAI requires tool messages to
 * follow the assistant's calls), the remaining blocks one user message.
 */
function userTurn(content: unknown, at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: Record<string, unknown>[] = [];
  blocksOf(content, at).forEach((block, j) => {
    const where = `${at}.content[${j}]`;
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: textOf(block, where) });
        break;
      case 'image':
        parts.push(imagePart(block, where));
        break;
      case 'tool_result':
        tools.push(toolMessage(block, where));
        break;
      default:
        throw unsupportedBlock(block, where);
    }
  });
  return parts.length > 0 ? [...tools, { role: 'user', content: parts }] : tools;
}

/** Assistant text joined, `tool_use` as tool calls, `thinking` as `reasoning_content`. */
function assistantTurn(content: unknown, at: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  let reasoning = '';
  const calls: Record<string, unknown>[] = [];
  blocksOf(content, at).forEach((block, j) => {
    const where = `${at}.content[${j}]`;
    switch (block.type) {
      case 'text':
        text += textOf(block, where);
        break;
      case 'tool_use':
      case 'server_tool_use': {
        if (typeof block.id !== 'string' || typeof block.name !== 'string') {
          throw invalidParam(where, `'${where}' must have an 'id' and a 'name'`);
        }
        calls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      }
      case 'thinking':
        if (typeof block.thinking === 'string') reasoning += block.thinking;
        break;
      case 'redacted_thinking':
        break;
      default:
        throw unsupportedBlock(block, where);
    }
  });
  const message: ChatMessage = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  return message;
}

/** `tool_result` → a `tool` message; string or text-block content, `is_error` kept as an extension. */
function toolMessage(block: Block, where: string): ChatMessage {
  if (typeof block.tool_use_id !== 'string') {
    throw invalidParam(`${where}.tool_use_id`, `'${where}.tool_use_id' is required`);
  }
  let content = '';
  if (typeof block.content === 'string') content = block.content;
  else if (Array.isArray(block.content)) {
    content = (block.content as Block[])
      .map((part, k) => {
        if (part?.type === 'text' && typeof part.text === 'string') return part.text;
        throw invalidParam(
          `${where}.content[${k}]`,
          `'${where}.content[${k}]': only text blocks can be sent inside a tool_result to this model`,
        );
      })
      .join('');
  } else if (block.content !== undefined && block.content !== null) {
    throw invalidParam(`${where}.content`, `'${where}.content' must be a string or an array of blocks`);
  }
  const message: ChatMessage = { role: 'tool', tool_call_id: block.tool_use_id, content };
  if (block.is_error === true) message.is_error = true;
  return message;
}

/** `image` with a base64 or url source → an `image_url` part. */
function imagePart(block: Block, where: string): Record<string, unknown> {
  const source = block.source as { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown };
  if (source?.type === 'base64' && typeof source.data === 'string' && typeof source.media_type === 'string') {
    if (!IMAGE_TYPES.has(source.media_type)) {
      throw invalidParam(
        `${where}.source.media_type`,
        `'${where}.source.media_type' must be one of ${[...IMAGE_TYPES].join(', ')}`,
      );
    }
    return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source?.type === 'url' && typeof source.url === 'string') {
    return { type: 'image_url', image_url: { url: source.url } };
  }
  throw invalidParam(`${where}.source`, `'${where}.source' must be a base64 or url image source`);
}

function blocksOf(content: unknown, at: string): Block[] {
  if (!Array.isArray(content)) {
    throw invalidParam(`${at}.content`, `'${at}.content' must be a string or an array of content blocks`);
  }
  return content.map((block, j) => {
    if (typeof block !== 'object' || block === null || typeof (block as Block).type !== 'string') {
      throw invalidParam(
        `${at}.content[${j}]`,
        `'${at}.content[${j}]' must be a content block with a 'type'`,
      );
    }
    return block as Block;
  });
}

function textOf(block: Block, where: string): string {
  if (typeof block.text !== 'string') throw invalidParam(`${where}.text`, `'${where}.text' must be a string`);
  return block.text;
}

function unsupportedBlock(block: Block, where: string) {
  return invalidParam(
    where,
    `'${where}': content blocks of type '${String(block.type)}' cannot be sent to this model (only an anthropic provider takes them)`,
  );
}

/** `tools` (input_schema unchanged) and `tool_choice` with `disable_parallel_tool_use`. */
function mapTools(body: Record<string, unknown>, chat: Record<string, unknown>): void {
  const tools = body.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) throw invalidParam('tools', "'tools' must be an array");
    chat.tools = tools.map((tool: Record<string, unknown>, i) => {
      if (typeof tool?.name !== 'string')
        throw invalidParam(`tools[${i}].name`, `'tools[${i}].name' is required`);
      if (tool.type !== undefined && tool.type !== 'custom') {
        throw invalidParam(
          `tools[${i}].type`,
          `'tools[${i}]': server tools of type '${String(tool.type)}' cannot be sent to this model (only an anthropic provider runs them)`,
        );
      }
      const schema = tool.input_schema;
      if (typeof schema !== 'object' || schema === null) {
        throw invalidParam(
          `tools[${i}].input_schema`,
          `'tools[${i}].input_schema' must be a JSON Schema object`,
        );
      }
      return {
        type: 'function',
        function: {
          name: tool.name,
          ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
          parameters: schema,
          ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
        },
      };
    });
  }
  const choice = body.tool_choice as { type?: unknown; name?: unknown; disable_parallel_tool_use?: unknown };
  if (choice === undefined || choice === null) return;
  switch (choice.type) {
    case 'auto':
      chat.tool_choice = 'auto';
      break;
    case 'any':
      chat.tool_choice = 'required';
      break;
    case 'none':
      chat.tool_choice = 'none';
      break;
    case 'tool':
      if (typeof choice.name !== 'string')
        throw invalidParam('tool_choice.name', "'tool_choice.name' is required");
      chat.tool_choice = { type: 'function', function: { name: choice.name } };
      break;
    default:
      throw invalidParam('tool_choice.type', "'tool_choice.type' must be auto, any, tool or none");
  }
  if (choice.disable_parallel_tool_use === true && choice.type !== 'none') chat.parallel_tool_calls = false;
}

/** `thinking: {type: "enabled", budget_tokens}` is forwarded; `adaptive` and `disabled` ask for nothing. */
function mapThinking(thinking: unknown, chat: Record<string, unknown>): void {
  if (thinking === undefined || thinking === null) return;
  const type = (thinking as { type?: unknown }).type;
  if (type === 'enabled') chat.thinking = thinking;
  else if (type !== 'adaptive' && type !== 'disabled') {
    throw invalidParam('thinking.type', "'thinking.type' must be enabled, adaptive or disabled");
  }
}

/** `output_config.effort` (other than the default `high`) and `output_config.format`. */
function mapOutputConfig(config: unknown, chat: Record<string, unknown>): void {
  if (config === undefined || config === null) return;
  const { effort, format } = config as { effort?: unknown; format?: { type?: unknown; schema?: unknown } };
  if (typeof effort === 'string' && EFFORTS.has(effort)) chat.reasoning_effort = effort;
  else if (effort !== undefined && effort !== null && effort !== 'high') {
    throw invalidParam(
      'output_config.effort',
      "'output_config.effort' must be low, medium, high, xhigh or max",
    );
  }
  if (format === undefined || format === null) return;
  if (format.type !== 'json_schema' || typeof format.schema !== 'object' || format.schema === null) {
    throw invalidParam(
      'output_config.format',
      "'output_config.format' must be a json_schema format with a schema",
    );
  }
  chat.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
}
