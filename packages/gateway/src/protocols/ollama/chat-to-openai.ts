/**
 * An Ollama `/api/chat` request as a canonical chat completions request (Ollama API docs, Generate a chat
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; OpenAI API
 * reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create).
 */
import { invalidParam } from '../../core/errors.js';
import { ollamaKnobsToOpenAI } from './options-to-openai.js';

/**
 * Maps the body: `messages` (`images` → `image_url` data-URL parts; assistant `tool_calls` with object arguments →
 * OpenAI calls with JSON-string arguments and ids; `tool` messages → `tool_call_id` of the call they answer, by
 * `tool_call_id`, else by `tool_name`, else the latest call), `tools` as they are, and `options` / `format` /
 * `think` (options-to-openai.ts). Streams ask for usage, which the final line reports.
 * @param model the model id the client asked for
 * @throws GatewayError 400 naming the field for a message of an unknown role or with a wrong-typed field
 */
export function ollamaChatToOpenAI(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const stream = body.stream !== false;
  const messages = chatMessages((body.messages ?? []) as Record<string, unknown>[]);
  return {
    model,
    messages,
    ...(Array.isArray(body.tools) && body.tools.length > 0 ? { tools: body.tools } : {}),
    ...ollamaKnobsToOpenAI(body),
    ...logprobFields(body),
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
}

/** `logprobs` and `top_logprobs`, which both protocols name alike. */
export function logprobFields(body: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(body.logprobs !== undefined ? { logprobs: body.logprobs } : {}),
    ...(body.top_logprobs !== undefined ? { top_logprobs: body.top_logprobs } : {}),
  };
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);

function chatMessages(messages: Record<string, unknown>[]): Record<string, unknown>[] {
  const calls: { id: string; name: string }[] = [];
  let next = 0;
  return messages.map((message, i) => {
    const role = message.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw invalidParam(
        `messages[${i}].role`,
        `messages[${i}].role must be one of system, user, assistant, tool`,
      );
    }
    const content = typeof message.content === 'string' ? message.content : '';
    if (role === 'assistant') {
      const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      if (toolCalls.length === 0) return { role, content };
      return {
        role,
        content: content === '' ? null : content,
        tool_calls: toolCalls.map((call: Record<string, unknown>, j) => {
          const fn = (call.function ?? {}) as Record<string, unknown>;
          if (typeof fn.name !== 'string') {
            throw invalidParam(
              `messages[${i}].tool_calls[${j}].function.name`,
              'a tool call needs a function name',
            );
          }
          const id = typeof call.id === 'string' && call.id !== '' ? call.id : `call_${next++}`;
          calls.push({ id, name: fn.name });
          const args = fn.arguments ?? {};
          return {
            id,
            type: 'function',
            function: { name: fn.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
          };
        }),
      };
    }
    if (role === 'tool') {
      const byId = typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined;
      const byName = calls.findLast((c) => c.name === message.tool_name)?.id;
      const id = byId ?? byName ?? calls.at(-1)?.id ?? `call_${next++}`;
      return { role, tool_call_id: id, content };
    }
    const images = message.images;
    if (role === 'user' && Array.isArray(images) && images.length > 0) {
      return {
        role,
        content: [
          ...(content === '' ? [] : [{ type: 'text', text: content }]),
          ...images.map((image, j) => ({
            type: 'image_url',
            image_url: { url: imageDataUrl(image, `messages[${i}].images[${j}]`) },
          })),
        ],
      };
    }
    return { role, content };
  });
}

/**
 * A base64 image (Ollama sends bare base64) as a data URL, its media type read from the first bytes (PNG, JPEG,
 * GIF, WebP signatures).
 * @throws GatewayError 400 for an image that is not a base64 string
 */
export function imageDataUrl(image: unknown, param: string): string {
  if (typeof image !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(image)) {
    throw invalidParam(param, `${param} must be a base64-encoded image`);
  }
  const head = Buffer.from(image.slice(0, 24), 'base64');
  const mime =
    head[0] === 0xff && head[1] === 0xd8
      ? 'image/jpeg'
      : head.subarray(0, 3).toString('latin1') === 'GIF'
        ? 'image/gif'
        : head.subarray(8, 12).toString('latin1') === 'WEBP'
          ? 'image/webp'
          : 'image/png';
  return `data:${mime};base64,${image.replace(/\s+/g, '')}`;
}
