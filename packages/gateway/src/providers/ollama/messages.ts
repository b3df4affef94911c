import type { OllamaMessage, OllamaToolCall } from '@switchyard/wire';
import { invalidParam } from '../../core/errors.js';

/**
 * Converts OpenAI chat messages (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) into Ollama messages (Ollama API docs, Generate a chat
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion, mapping Ollama's own
 * OpenAI translation, openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go): `developer` →
 * `system`; content parts joined into one string (text parts separated by a newline); image parts (base64 data URLs)
 * and `input_audio` → `images` without the data-URL prefix; assistant `tool_calls` with `arguments` parsed from their
 * JSON string into an object; `tool` messages keep `tool_call_id` and get `tool_name` from the assistant call with
 * that id; assistant `reasoning_content` → `thinking`.
 * @param messages the client's `messages` value
 * @throws GatewayError 400 whose `param` names the offending path (e.g. `messages[2].tool_calls[0].function.arguments`)
 */
export function toOllamaMessages(messages: unknown): OllamaMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParam('messages', "'messages' must be a non-empty array");
  }
  const toolNames = new Map<string, string>();
  return messages.map((raw, i) => {
    const path = `messages[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw invalidParam(path, `'${path}' must be an object`);
    const m = raw as Record<string, unknown>;
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content, path, false).text };
      case 'user': {
        const { text, images } = textOf(m.content, path, true);
        return images.length > 0 ? { role: 'user', content: text, images } : { role: 'user', content: text };
      }
      case 'assistant':
        return assistantMessage(m, path, toolNames);
      case 'tool':
        return toolMessage(m, path, toolNames);
      case 'function':
        return {
          role: 'tool',
          content: textOf(m.content, path, false).text,
          tool_name: String(m.name ?? ''),
        };
      default:
        throw invalidParam(
          `${path}.role`,
          `'${path}.role' must be one of system, developer, user, assistant, tool, function`,
        );
    }
  });
}

function assistantMessage(
  m: Record<string, unknown>,
  path: string,
  toolNames: Map<string, string>,
): OllamaMessage {
  const out: OllamaMessage = { role: 'assistant', content: textOf(m.content, path, false).text };
  const thinking = m.reasoning_content ?? m.reasoning;
  if (typeof thinking === 'string' && thinking !== '') out.thinking = thinking;
  if (m.tool_calls === undefined || m.tool_calls === null) return out;
  if (!Array.isArray(m.tool_calls))
    throw invalidParam(`${path}.tool_calls`, `'${path}.tool_calls' must be an array`);
  out.tool_calls = m.tool_calls.map((call: unknown, j): OllamaToolCall => {
    const callPath = `${path}.tool_calls[${j}]`;
    const c = (call ?? {}) as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const name = c.function?.name;
    if (typeof name !== 'string') {
      throw invalidParam(`${callPath}.function.name`, `'${callPath}.function.name' must be a string`);
    }
    const mapped: OllamaToolCall = {
      function: { name, arguments: parseArguments(c.function?.arguments, callPath) },
    };
    if (typeof c.id === 'string') {
      mapped.id = c.id;
      toolNames.set(c.id, name);
    }
    return mapped;
  });
  return out;
}

function toolMessage(
  m: Record<string, unknown>,
  path: string,
  toolNames: Map<string, string>,
): OllamaMessage {
  const out: OllamaMessage = { role: 'tool', content: textOf(m.content, path, false).text };
  if (typeof m.tool_call_id === 'string') {
    out.tool_call_id = m.tool_call_id;
    const name = toolNames.get(m.tool_call_id);
    if (name !== undefined) out.tool_name = name;
  }
  return out;
}

/**
 * OpenAI sends `arguments` as a JSON string (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create); Ollama wants the object (Ollama API docs, Generate a
 * chat completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
function parseArguments(args: unknown, callPath: string): Record<string, unknown> {
  const param = `${callPath}.function.arguments`;
  if (args === undefined || args === null || args === '') return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(args));
  } catch {
    throw invalidParam(param, `'${param}' is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam(param, `'${param}' must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Flattens `content` (a string, null, or an array of parts) into text plus images.
 * @param allowMedia true for user messages, the only role that may carry images or audio
 */
function textOf(content: unknown, path: string, allowMedia: boolean): { text: string; images: string[] } {
  if (content === undefined || content === null) return { text: '', images: [] };
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) {
    throw invalidParam(`${path}.content`, `'${path}.content' must be a string or an array of content parts`);
  }
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((raw: unknown, j) => {
    const partPath = `${path}.content[${j}]`;
    const part = (raw ?? {}) as Record<string, unknown>;
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
    else if (allowMedia && part.type === 'image_url') images.push(imageData(part.image_url, partPath));
    else if (allowMedia && part.type === 'input_audio') images.push(audioData(part.input_audio, partPath));
    else {
      throw invalidParam(
        `${partPath}.type`,
        `content part type '${String(part.type)}' is not supported by provider type 'ollama' here`,
      );
    }
  });
  return { text: texts.join('\n'), images };
}

const DATA_URL = /^data:([^,]*?);base64,(.*)$/s;

/**
 * `image_url` is `{url}` or a bare string; only base64 data URLs are accepted (Ollama's own OpenAI translation,
 * openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go; Ollama docs, OpenAI compatibility:
 * https://docs.ollama.com/api/openai-compatibility).
 */
function imageData(imageUrl: unknown, partPath: string): string {
  const url =
    typeof imageUrl === 'string' ? imageUrl : (imageUrl as { url?: unknown } | undefined | null)?.url;
  const param = `${partPath}.image_url.url`;
  if (typeof url !== 'string') throw invalidParam(param, `'${param}' must be a string`);
  const match = DATA_URL.exec(url);
  if (match && (match[1] === '' || match[1]!.startsWith('image/'))) return match[2]!;
  if (/^https?:/i.test(url)) {
    throw invalidParam(param, 'image URLs are not fetched for Ollama; send the image as a base64 data URL');
  }
  throw invalidParam(param, `'${param}' must be a base64 data URL (data:image/...;base64,...)`);
}

/**
 * `input_audio.data` is bare base64; Ollama takes audio bytes in `images` (Ollama's own OpenAI translation,
 * openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go).
 */
function audioData(inputAudio: unknown, partPath: string): string {
  const data = (inputAudio as { data?: unknown } | undefined | null)?.data;
  if (typeof data !== 'string' || data === '') {
    throw invalidParam(`${partPath}.input_audio.data`, `'${partPath}.input_audio.data' must be base64 audio`);
  }
  return data;
}
