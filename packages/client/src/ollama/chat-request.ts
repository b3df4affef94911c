/**
 * OpenAI chat completion request → `POST /api/chat` body (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go): messages flattened to plain-string content with
 * `images`, tool-call arguments parsed to objects, tool results given `tool_name`.
 */

import type { OllamaMessage, OllamaToolCall } from '@switchyard/wire';
import { OpenAIError } from 'openai';
import type { JsonBody } from '../platforms/platform.js';
import { cannotSend, mapGenerationFields, mapLogprobs, type OllamaRequestContext } from './common.js';

interface OpenAIToolCall {
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface OpenAIMessage {
  role: string;
  content?: unknown;
  tool_calls?: OpenAIToolCall[];
  tool_call_id?: string;
}

/**
 * Builds the native chat body. Unknown fields (e.g. from `extraBody`) and Ollama's own (`format`, `think`,
 * `truncate`, `shift`) are sent as given.
 * @throws {UnsupportedParamError} per the policy (`n`, `logit_bias`, `tool_choice` "required"/named,
 *   `parallel_tool_calls: false`, http image URLs, logprobs on old servers)
 */
export async function toOllamaChatRequest(body: JsonBody, ctx: OllamaRequestContext): Promise<JsonBody> {
  const rest: JsonBody = { ...body };
  const native: JsonBody = { model: rest.model };
  delete rest.model;
  native.messages = toOllamaMessages((rest.messages as OpenAIMessage[] | undefined) ?? [], ctx);
  delete rest.messages;

  const toolChoice = rest.tool_choice;
  if (toolChoice !== undefined && toolChoice !== 'auto' && toolChoice !== 'none') {
    ctx.params.reject(rest, 'tool_choice', 'Ollama cannot force a tool call');
  }
  if (Array.isArray(rest.tools) && rest.tools.length > 0 && toolChoice !== 'none') {
    native.tools = rest.tools.map(withoutStrict);
  }
  delete rest.tools;
  delete rest.tool_choice;
  if (rest.parallel_tool_calls === false) {
    ctx.params.reject(rest, 'parallel_tool_calls', 'Ollama cannot limit a turn to one tool call');
  }
  delete rest.parallel_tool_calls;

  mapGenerationFields(rest, native, ctx);
  await mapLogprobs(rest, native, ctx, false);
  return Object.assign(native, rest);
}

function toOllamaMessages(messages: OpenAIMessage[], ctx: OllamaRequestContext): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, i) => {
    const role = message.role === 'developer' ? 'system' : (message.role as OllamaMessage['role']);
    const out: OllamaMessage = { role, content: '' };
    const images: string[] = [];
    out.content = flattenContent(message.content, images, `messages[${i}].content`, ctx);
    if (images.length > 0) out.images = images;
    if (message.tool_calls?.length) {
      out.tool_calls = message.tool_calls.map((call): OllamaToolCall => {
        const name = call.function?.name ?? '';
        if (call.id) toolNames.set(call.id, name);
        return { ...(call.id ? { id: call.id } : {}), function: { name, arguments: parseArguments(call) } };
      });
    }
    if (role === 'tool' && message.tool_call_id) {
      out.tool_call_id = message.tool_call_id;
      const name = toolNames.get(message.tool_call_id);
      if (name !== undefined) out.tool_name = name;
    }
    return out;
  });
}

/**
 * Concatenates text parts; data-URL images and input audio become `images` (bare base64, Ollama's own OpenAI
 * translation, openai/openai.go).
 */
function flattenContent(content: unknown, images: string[], path: string, ctx: OllamaRequestContext): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return String(content);
  const texts: string[] = [];
  content.forEach((part: Record<string, unknown>, j) => {
    if (part.type === 'text' || part.type === 'refusal') texts.push(String(part.text ?? part.refusal ?? ''));
    else if (part.type === 'image_url') {
      const imageUrl = part.image_url as { url?: string } | string | undefined;
      const url = typeof imageUrl === 'string' ? imageUrl : (imageUrl?.url ?? '');
      const base64 = /^data:[^,]*;base64,(.*)$/s.exec(url)?.[1];
      if (base64 !== undefined) images.push(base64);
      else
        ctx.params.reject({ url }, `${path}[${j}].image_url`, 'Ollama takes images as base64 data URLs only');
    } else if (part.type === 'input_audio') {
      images.push(String((part.input_audio as { data?: string } | undefined)?.data ?? ''));
    } else cannotSend(`${path}[${j}]`, `content part type ${String(part.type)}`);
  });
  return texts.join('');
}

function parseArguments(call: OpenAIToolCall): Record<string, unknown> {
  const text = call.function?.arguments;
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new OpenAIError(`tool call ${call.id ?? call.function?.name}: arguments are not valid JSON`);
  }
}

function withoutStrict(tool: unknown): unknown {
  const t = tool as { function?: Record<string, unknown> };
  if (!t.function || !('strict' in t.function)) return tool;
  const { strict: _strict, ...fn } = t.function;
  return { ...t, function: fn };
}
