/**
 * Reading the tool fields of an OpenAI chat request (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) for translation: the request's function tools,
 * `tool_choice`, and an assistant message's `tool_calls`, each failing with a 400 that names the offending field.
 */
import type { ChatCompletionAssistantMessageParam } from 'openai/resources/chat/completions';
import { invalidParam } from '../../core/errors.js';

/** One entry of `tools` (OpenAI API reference, Create chat completion): a function tool with a name. */
export interface FunctionTool {
  name: string;
  /** Set only when the client sent a string. */
  description?: string;
  /** The JSON Schema of the arguments, as sent (absent or null: no arguments). */
  parameters?: unknown;
  /** Set only when the client sent a boolean. */
  strict?: boolean;
}

/**
 * The request's `tools`.
 * @returns undefined when absent or null
 * @throws GatewayError 400 (`tools`) when not an array, (`tools[i]`) for an entry that is not a function tool
 *   with a name
 */
export function functionTools(tools: unknown): FunctionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidParam('tools', "'tools' must be an array");
  return tools.map((tool, i) => {
    const t = tool as {
      type?: unknown;
      function?: { name?: unknown; description?: unknown; parameters?: unknown; strict?: unknown };
    };
    if (t?.type !== 'function' || typeof t.function?.name !== 'string') {
      throw invalidParam(`tools[${i}]`, `'tools[${i}]' must be a function tool with a name`);
    }
    const fn = t.function;
    return {
      name: fn.name as string,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      ...(fn.parameters !== undefined ? { parameters: fn.parameters } : {}),
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    };
  });
}

/**
 * `tool_choice` (OpenAI API reference, Create chat completion): `auto`, `none`, `required`, a named function, or
 * `unsupported` for the newer `allowed_tools` and `custom` kinds, which translating providers reject with their own
 * capability entry.
 */
export type ToolChoice =
  | { kind: 'auto' | 'none' | 'required' }
  | { kind: 'function'; name: string }
  | { kind: 'unsupported' };

/**
 * The request's `tool_choice`.
 * @returns undefined when absent or null
 * @throws GatewayError 400 (`tool_choice`) for any other value
 */
export function toolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { kind: value };
  const named = value as { type?: unknown; function?: { name?: unknown } };
  if (named?.type === 'function' && typeof named.function?.name === 'string') {
    return { kind: 'function', name: named.function.name };
  }
  if (named?.type === 'allowed_tools' || named?.type === 'custom') return { kind: 'unsupported' };
  throw invalidParam('tool_choice', "'tool_choice' is not a valid tool choice");
}

/** One assistant tool call (OpenAI API reference, Create chat completion) with its `arguments` parsed into an object. */
export interface AssistantToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * An assistant message's `tool_calls`, in order.
 * @param param request path of the message, e.g. `messages[2]`
 * @throws GatewayError 400 (`<param>.tool_calls[j]`) for a call that is not a function call with an id and a
 *   name, (`<param>.tool_calls[j].function.arguments`) for arguments that are not a JSON object
 */
export function assistantToolCalls(
  message: ChatCompletionAssistantMessageParam,
  param: string,
): AssistantToolCall[] {
  return (message.tool_calls ?? []).map((call, j) => {
    const at = `${param}.tool_calls[${j}]`;
    if (call.type !== 'function' || typeof call.function?.name !== 'string' || typeof call.id !== 'string') {
      throw invalidParam(at, `'${at}' must be a function tool call with an id and a name`);
    }
    return {
      id: call.id,
      name: call.function.name,
      arguments: toolArguments(call.function.arguments, `${at}.function.arguments`),
    };
  });
}

/**
 * A tool call's `arguments` string parsed into the JSON object that Anthropic and Gemini expect (OpenAI API
 * reference, Create chat completion: arguments are strings on the OpenAI wire). An empty string means no arguments:
 * `{}`.
 * @param param request path for errors
 * @throws GatewayError 400 naming `param` when it is not a JSON object
 */
function toolArguments(args: unknown, param: string): Record<string, unknown> {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') throw invalidParam(param, `'${param}' must be a JSON-encoded string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw invalidParam(param, `'${param}' is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam(param, `'${param}' must encode a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
