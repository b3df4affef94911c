/**
 * OpenAI chat request → Anthropic Messages request (Anthropic API reference, Messages:
 * https://docs.anthropic.com/en/api/messages).
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import { invalidParam } from '../../core/errors.js';
import {
  chatMessages,
  contentText,
  jsonResponseFormat,
  maxOutputTokens,
  stopSequences,
} from '../../protocols/openai/chat-request.js';
import { assistantToolCalls, functionTools, toolChoice } from '../../protocols/openai/chat-tools.js';
import { mapChatTurns } from '../../protocols/openai/chat-turns.js';
import { parseDataUrl } from '../../protocols/openai/data-url.js';
import type { ParamPolicy } from '../param-policy.js';
import { ANTHROPIC_UNSUPPORTED } from './capabilities.js';
import { claudeMaxOutputTokens } from './max-output-tokens.js';

/** An Anthropic content block (Anthropic API reference, Messages input blocks). */
export type AnthropicBlock = Record<string, unknown> & { type: string };

/** An entry of Anthropic `messages`. */
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

/** The Messages API request body (Anthropic API reference, Messages), as far as the gateway fills it. */
export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  tools?: Record<string, unknown>[];
  tool_choice?: Record<string, unknown>;
  metadata?: { user_id: string };
  service_tier?: 'auto' | 'standard_only';
  thinking?: unknown;
  output_config?: { effort?: string; format?: { type: 'json_schema'; schema: unknown } };
  stream?: true;
}

/** Base64 image media types the Messages API accepts (Anthropic API reference, Messages). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/**
 * OpenAI `service_tier` values with a Messages API `service_tier` equivalent (Anthropic API reference,
 * Messages: https://docs.anthropic.com/en/api/messages, "service_tier": `auto` uses priority capacity when
 * available, `standard_only` never does). OpenAI's `default` is standard processing; `flex`, `priority` and
 * `scale` have no Anthropic counterpart and are not sent (the tier never changes the output).
 */
const SERVICE_TIERS: ReadonlyMap<unknown, 'auto' | 'standard_only'> = new Map([
  ['auto', 'auto'],
  ['default', 'standard_only'],
]);
/** `reasoning_effort` values with an `output_config.effort` equivalent (Anthropic API reference, Messages). */
const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

/**
 * Builds the Messages request. Only fields the client sent are set, except `max_tokens`, which Anthropic
 * requires: the client's value, else `defaultMaxTokens` from config, else the model family's maximum output
 * (max-output-tokens.ts).
 * @param body the screened client body (unsupported fields already removed or rejected)
 * @param model upstream model name
 * @param defaultMaxTokens model or provider `default_max_tokens`, in tokens
 * @param policy records or rejects unsupported values
 * @throws GatewayError 400 naming the field for invalid values, a missing `max_tokens` with no default and
 *   no known family,
 *   or `temperature` outside 0..1
 */
export function toAnthropicRequest(
  body: Record<string, unknown>,
  model: string,
  defaultMaxTokens: number | undefined,
  policy: ParamPolicy,
): AnthropicRequest {
  const maxTokens = maxOutputTokens(body) ?? defaultMaxTokens ?? claudeMaxOutputTokens(model);
  if (maxTokens === undefined) {
    throw invalidParam(
      'max_tokens',
      `Anthropic requires 'max_tokens' and '${model}' is of no known Claude family: send max_tokens (or` +
        ' max_completion_tokens), or set default_max_tokens on the model or the provider in switchyard.yaml',
    );
  }
  const { system, messages } = mapMessages(chatMessages(body), policy);
  const request: AnthropicRequest = { model, max_tokens: maxTokens, messages };
  if (system !== undefined) request.system = system;
  const stop = stopSequences(body.stop);
  if (stop) request.stop_sequences = stop;
  if (body.temperature !== undefined && body.temperature !== null) {
    const t = body.temperature;
    if (typeof t !== 'number' || t < 0 || t > 1) {
      throw invalidParam('temperature', "'temperature' must be between 0 and 1 for Anthropic models");
    }
    request.temperature = t;
  }
  copyNumber(body, 'top_p', request);
  copyNumber(body, 'top_k', request);
  if (body.thinking !== undefined && body.thinking !== null) request.thinking = body.thinking;
  const userId = typeof body.safety_identifier === 'string' ? body.safety_identifier : body.user;
  if (typeof userId === 'string') request.metadata = { user_id: userId };
  const tier = SERVICE_TIERS.get(body.service_tier);
  if (tier) request.service_tier = tier;
  mapTools(body, request, policy);
  mapOutputConfig(body, request, policy);
  if (body.stream === true) request.stream = true;
  return request;
}

function copyNumber(
  body: Record<string, unknown>,
  field: 'top_p' | 'top_k',
  request: AnthropicRequest,
): void {
  const value = body[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number') throw invalidParam(field, `'${field}' must be a number`);
  request[field] = value;
}

/**
 * System/developer messages → `system`; tool messages → `tool_result` blocks in one user turn (Anthropic API
 * reference, Messages).
 */
function mapMessages(
  input: ChatCompletionMessageParam[],
  policy: ParamPolicy,
): { system: string | undefined; messages: AnthropicMessage[] } {
  const { system, turns } = mapChatTurns<AnthropicMessage, AnthropicBlock>(input, {
    user: (content, param) => ({ role: 'user', content: userContent(content, param, policy) }),
    assistant: (message, param) => {
      const content = assistantContent(message, param);
      return content.length > 0 ? { role: 'assistant', content } : undefined;
    },
    toolResult,
    toolTurn: (content) => ({ role: 'user', content }),
  });
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}

function userContent(content: unknown, param: string, policy: ParamPolicy): string | AnthropicBlock[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidParam(param, `'${param}' must be a string or an array of parts`);
  const blocks: AnthropicBlock[] = [];
  content.forEach((part, j) => {
    const p = part as { type?: unknown; text?: unknown; image_url?: { url?: unknown } };
    const at = `${param}[${j}]`;
    if (p?.type === 'text' && typeof p.text === 'string') {
      blocks.push({ type: 'text', text: p.text });
    } else if (p?.type === 'image_url' && typeof p.image_url?.url === 'string') {
      const image = imageBlock(p.image_url.url, `${at}.image_url.url`, policy);
      if (image) blocks.push(image);
    } else if (p?.type === 'input_audio' || p?.type === 'file') {
      policy.reject(ANTHROPIC_UNSUPPORTED.part, at);
    } else {
      throw invalidParam(at, `'${at}' is not a valid content part`);
    }
  });
  return blocks;
}

/** A data URL becomes a base64 source, an http(s) URL a url source (Anthropic API reference, Messages). */
function imageBlock(url: string, param: string, policy: ParamPolicy): AnthropicBlock | undefined {
  const data = parseDataUrl(url);
  if (data) {
    if (!IMAGE_TYPES.has(data.mimeType)) {
      policy.reject(ANTHROPIC_UNSUPPORTED.imageType, param);
      return undefined;
    }
    return { type: 'image', source: { type: 'base64', media_type: data.mimeType, data: data.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidParam(param, `'${param}' must be an http(s) URL or a base64 data URL`);
}

/** Assistant text (if any) then one `tool_use` per tool call, ids preserved (Anthropic API reference, Messages). */
function assistantContent(message: ChatCompletionAssistantMessageParam, param: string): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  const text = contentText(message.content, `${param}.content`);
  if (text !== '') blocks.push({ type: 'text', text });
  for (const call of assistantToolCalls(message, param)) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
  }
  return blocks;
}

function toolResult(message: ChatCompletionToolMessageParam, param: string): AnthropicBlock {
  if (typeof message.tool_call_id !== 'string') {
    throw invalidParam(`${param}.tool_call_id`, `'${param}.tool_call_id' is required`);
  }
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id,
    content: contentText(message.content, `${param}.content`),
  };
}

/** `tools`, `tool_choice` and `parallel_tool_calls` (Anthropic API reference, Messages). */
function mapTools(body: Record<string, unknown>, request: AnthropicRequest, policy: ParamPolicy): void {
  const tools = functionTools(body.tools);
  if (tools) {
    request.tools = tools.map((fn) => ({
      name: fn.name,
      ...(fn.description !== undefined ? { description: fn.description } : {}),
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
      ...(fn.strict !== undefined ? { strict: fn.strict } : {}),
    }));
  }
  const choice = anthropicToolChoice(body.tool_choice, policy);
  if (body.parallel_tool_calls === false && choice?.type !== 'none') {
    request.tool_choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  } else if (choice) {
    request.tool_choice = choice;
  }
}

/**
 * `tool_choice` → Anthropic's: auto, `any` for required, none, or a named `tool` (Anthropic API reference, Messages).
 */
function anthropicToolChoice(value: unknown, policy: ParamPolicy): Record<string, unknown> | undefined {
  const choice = toolChoice(value);
  switch (choice?.kind) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return { type: choice.kind };
    case 'required':
      return { type: 'any' };
    case 'function':
      return { type: 'tool', name: choice.name };
    case 'unsupported':
      policy.reject(ANTHROPIC_UNSUPPORTED.toolChoiceKind, 'tool_choice');
      return undefined;
  }
}

/** `response_format` json_schema → `output_config.format`; `reasoning_effort` → `output_config.effort`. */
function mapOutputConfig(
  body: Record<string, unknown>,
  request: AnthropicRequest,
  policy: ParamPolicy,
): void {
  const config: NonNullable<AnthropicRequest['output_config']> = {};
  const format = jsonResponseFormat(body.response_format);
  if (format?.type === 'json_schema') config.format = format;
  else if (format?.type === 'json_object') policy.reject(ANTHROPIC_UNSUPPORTED.jsonObject, 'response_format');
  const effort = body.reasoning_effort;
  if (typeof effort === 'string' && EFFORTS.has(effort)) config.effort = effort;
  else if (effort === 'none' || effort === 'minimal')
    policy.reject(ANTHROPIC_UNSUPPORTED.effortNone, 'reasoning_effort');
  else if (effort !== undefined && effort !== null) {
    throw invalidParam('reasoning_effort', "'reasoning_effort' is not a valid effort");
  }
  if (config.format || config.effort) request.output_config = config;
}
