/**
 * OpenAI chat request → Gemini `generateContent` request (Gemini API reference, Generating content:
 * https://ai.google.dev/api/generate-content).
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
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
import { GEMINI_UNSUPPORTED } from './capabilities.js';
import type { ThoughtSignatures } from './thought-signatures.js';

/** A Gemini `Part` (Gemini API reference, Generating content): one data field plus optional flags. */
export type GeminiPart = Record<string, unknown>;

/** A Gemini `Content`: role `user` or `model`. */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** The `generateContent` request body (Gemini API reference, Generating content), as far as the gateway fills it. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: Record<string, unknown>[] }[];
  toolConfig?: { functionCallingConfig: { mode: string; allowedFunctionNames?: string[] } };
  generationConfig?: Record<string, unknown>;
}

/** `tool_choice` strings → `functionCallingConfig.mode` (Gemini API reference, Generating content). */
const MODES = { auto: 'AUTO', none: 'NONE', required: 'ANY' } as const;

/**
 * Builds the Gemini request; only what the client sent is set.
 * @param body the screened client body
 * @param policy records or rejects unsupported values
 * @param signatures thought signatures to re-attach to earlier function calls (Gemini API docs, Thought signatures:
 *   https://ai.google.dev/gemini-api/docs/thought-signatures)
 * @throws GatewayError 400 naming the field for invalid values, or a `tool` message whose `tool_call_id`
 *   matches no earlier assistant tool call (Gemini answers function calls by name)
 */
export function toGeminiRequest(
  body: Record<string, unknown>,
  policy: ParamPolicy,
  signatures: ThoughtSignatures,
): GeminiRequest {
  const { system, contents } = mapMessages(chatMessages(body), policy, signatures);
  const request: GeminiRequest = { contents };
  if (system.length > 0) request.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  mapTools(body, request, policy);
  const generationConfig = mapGenerationConfig(body);
  if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;
  return request;
}

/**
 * System/developer messages → `systemInstruction`; assistant → `model` turns; each run of tool messages →
 * `functionResponse` parts in one user turn, named after the assistant tool call they answer (Gemini API reference,
 * Generating content).
 */
function mapMessages(
  input: ChatCompletionMessageParam[],
  policy: ParamPolicy,
  signatures: ThoughtSignatures,
): { system: string[]; contents: GeminiContent[] } {
  const toolNames = new Map<string, string>();
  const { system, turns } = mapChatTurns<GeminiContent, GeminiPart>(input, {
    user: (content, param) => ({ role: 'user', parts: userParts(content, param, policy) }),
    assistant: (message, param) => {
      const parts = modelParts(message, param, toolNames, signatures);
      return parts.length > 0 ? { role: 'model', parts } : undefined;
    },
    toolResult: (message, param) => {
      const name = toolNames.get(message.tool_call_id);
      if (name === undefined) {
        throw invalidParam(
          `${param}.tool_call_id`,
          `'${param}.tool_call_id' does not match a tool call of an earlier assistant message`,
        );
      }
      return {
        functionResponse: { name, response: { output: contentText(message.content, `${param}.content`) } },
      };
    },
    toolTurn: (parts) => ({ role: 'user', parts }),
  });
  return { system, contents: turns };
}

function userParts(content: unknown, param: string, policy: ParamPolicy): GeminiPart[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) throw invalidParam(param, `'${param}' must be a string or an array of parts`);
  const parts: GeminiPart[] = [];
  content.forEach((part, j) => {
    const at = `${param}[${j}]`;
    const p = part as {
      type?: unknown;
      text?: unknown;
      image_url?: { url?: unknown };
      input_audio?: { data?: unknown; format?: unknown };
    };
    if (p?.type === 'text' && typeof p.text === 'string') {
      parts.push({ text: p.text });
    } else if (p?.type === 'image_url' && typeof p.image_url?.url === 'string') {
      const data = parseDataUrl(p.image_url.url);
      if (data) parts.push({ inlineData: { mimeType: data.mimeType, data: data.data } });
      else if (/^https?:\/\//i.test(p.image_url.url))
        policy.reject(GEMINI_UNSUPPORTED.remoteImage, `${at}.image_url.url`);
      else throw invalidParam(`${at}.image_url.url`, `'${at}.image_url.url' must be a base64 data URL`);
    } else if (p?.type === 'input_audio' && typeof p.input_audio?.data === 'string') {
      const format = p.input_audio.format;
      if (format !== 'wav' && format !== 'mp3') {
        throw invalidParam(`${at}.input_audio.format`, `'${at}.input_audio.format' must be wav or mp3`);
      }
      parts.push({ inlineData: { mimeType: `audio/${format}`, data: p.input_audio.data } });
    } else if (p?.type === 'file') {
      policy.reject(GEMINI_UNSUPPORTED.part, at);
    } else {
      throw invalidParam(at, `'${at}' is not a valid content part`);
    }
  });
  return parts;
}

/**
 * Assistant text then one `functionCall` per tool call, with its remembered `thoughtSignature` (Gemini API reference,
 * Generating content).
 */
function modelParts(
  message: ChatCompletionAssistantMessageParam,
  param: string,
  toolNames: Map<string, string>,
  signatures: ThoughtSignatures,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text = contentText(message.content, `${param}.content`);
  if (text !== '') parts.push({ text });
  for (const call of assistantToolCalls(message, param)) {
    toolNames.set(call.id, call.name);
    const signature = signatures.get(call.id);
    parts.push({
      functionCall: { name: call.name, args: call.arguments },
      ...(signature ? { thoughtSignature: signature } : {}),
    });
  }
  return parts;
}

/** `tools` → functionDeclarations with the full JSON Schema in `parametersJsonSchema`; `tool_choice` → mode. */
function mapTools(body: Record<string, unknown>, request: GeminiRequest, policy: ParamPolicy): void {
  const tools = functionTools(body.tools);
  if (tools) {
    const declarations = tools.map((fn, i) => {
      if (fn.strict === true) policy.reject(GEMINI_UNSUPPORTED.strict, `tools[${i}].function.strict`);
      return {
        name: fn.name,
        ...(fn.description !== undefined ? { description: fn.description } : {}),
        ...(fn.parameters ? { parametersJsonSchema: fn.parameters } : {}),
      };
    });
    request.tools = [{ functionDeclarations: declarations }];
  }
  const choice = toolChoice(body.tool_choice);
  switch (choice?.kind) {
    case undefined:
      return;
    case 'auto':
    case 'none':
    case 'required':
      request.toolConfig = { functionCallingConfig: { mode: MODES[choice.kind] } };
      return;
    case 'function':
      request.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
      return;
    case 'unsupported':
      policy.reject(GEMINI_UNSUPPORTED.toolChoiceKind, 'tool_choice');
  }
}

/** Sampling fields → `generationConfig` (Gemini API reference, Generating content table). */
function mapGenerationConfig(body: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const numbers: [string, string][] = [
    ['temperature', 'temperature'],
    ['top_p', 'topP'],
    ['top_k', 'topK'],
    ['n', 'candidateCount'],
    ['seed', 'seed'],
    ['presence_penalty', 'presencePenalty'],
    ['frequency_penalty', 'frequencyPenalty'],
  ];
  for (const [from, to] of numbers) {
    const value = body[from];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw invalidParam(from, `'${from}' must be a number`);
    config[to] = value;
  }
  const max = maxOutputTokens(body);
  if (max !== undefined) config.maxOutputTokens = max;
  const stop = stopSequences(body.stop);
  if (stop) config.stopSequences = stop;
  const format = jsonResponseFormat(body.response_format);
  if (format) config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') config.responseJsonSchema = format.schema;
  return config;
}
