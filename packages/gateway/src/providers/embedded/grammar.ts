import type { LlamaGrammar } from 'node-llama-cpp';
import { invalidParam } from '../../core/errors.js';
import type { ModelEngine } from './engine.js';
import { gbnfGrammar } from './gbnf.js';
import { jsonSchemaToGbnf } from './json-schema-grammar.js';

/** What the output must look like, enforced by a llama.cpp grammar while sampling. */
export type OutputConstraint =
  | { kind: 'text' }
  /**
   * `response_format` json_object / json_schema (OpenAI API reference, Create chat completion:
   * https://platform.openai.com/docs/api-reference/chat/create): the content is JSON.
   */
  | { kind: 'json'; grammar: LlamaGrammar }
  /** vLLM's `guided_choice` / `guided_regex` / `guided_grammar` (guided-decoding.ts): text a grammar shapes. */
  | { kind: 'grammar'; grammar: LlamaGrammar }
  /** `tool_choice` "required" or a named function: the output is one `{"name", "arguments"}` object. */
  | { kind: 'tool_call'; grammar: LlamaGrammar; names: string[] };

/** The chat request's tool and format settings, resolved. */
export interface ChatOutputPlan {
  constraint: OutputConstraint;
  /** Tool definitions to render into the prompt (omitted for `tool_choice: "none"`). */
  promptTools?: unknown[];
}

interface FunctionTool {
  name: string;
  parameters: Record<string, unknown>;
}

/**
 * Resolves `tools`, `tool_choice` and `response_format` of a chat request (OpenAI API reference, Create chat
 * completion: https://platform.openai.com/docs/api-reference/chat/create) into a grammar. A forced tool call
 * (`"required"` or `{"type":"function","function":{"name"}}`) wins over `response_format`, as the reply then has no
 * content. `"auto"` renders the tools into the prompt and leaves the model free; `"none"` hides them.
 * @throws GatewayError 400 for a malformed tool, an unknown forced tool name, `tool_choice` without `tools`,
 *   or a JSON schema using constructs the grammar cannot express
 */
export async function chatOutputPlan(
  engine: ModelEngine,
  body: Record<string, unknown>,
): Promise<ChatOutputPlan> {
  const rawTools = body.tools ?? undefined;
  const tools = readTools(rawTools);
  const choice = body.tool_choice ?? undefined;
  if (choice !== undefined && choice !== 'none' && choice !== 'auto' && tools.length === 0) {
    throw invalidParam('tool_choice', "'tool_choice' requires 'tools'");
  }
  const promptTools = choice === 'none' || tools.length === 0 ? undefined : (rawTools as unknown[]);
  let forced: FunctionTool[] | undefined;
  if (choice === 'required') forced = tools;
  else if (choice && typeof choice === 'object') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    const tool = tools.find((t) => t.name === name);
    if (!tool) {
      throw invalidParam('tool_choice', `tool_choice names '${String(name)}', which is not in 'tools'`);
    }
    forced = [tool];
  } else if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    throw invalidParam('tool_choice', "tool_choice must be 'none', 'auto', 'required' or a function");
  }
  if (forced) {
    const calls = forced.map((t) => ({
      type: 'object',
      properties: { name: { const: t.name }, arguments: t.parameters },
      required: ['name', 'arguments'],
    }));
    const schema = calls.length === 1 ? calls[0]! : { oneOf: calls };
    const grammar = await jsonSchemaGrammar(engine, schema, 'tools');
    return {
      constraint: { kind: 'tool_call', grammar, names: forced.map((t) => t.name) },
      ...(promptTools ? { promptTools } : {}),
    };
  }
  return {
    constraint: await responseFormatConstraint(engine, body.response_format),
    ...(promptTools ? { promptTools } : {}),
  };
}

/**
 * `response_format` → constraint, for chat and (as a vLLM-style extension) legacy completions.
 * @throws GatewayError 400 (`param: response_format`) for an unknown type or an unsupported schema
 */
export async function responseFormatConstraint(
  engine: ModelEngine,
  format: unknown,
): Promise<OutputConstraint> {
  if (format === undefined || format === null) return { kind: 'text' };
  const f = format as { type?: unknown; json_schema?: { schema?: unknown } };
  if (f.type === 'text') return { kind: 'text' };
  if (f.type === 'json_object') {
    return { kind: 'json', grammar: await jsonSchemaGrammar(engine, { type: 'object' }, 'response_format') };
  }
  if (f.type === 'json_schema') {
    const schema = f.json_schema?.schema;
    if (!schema || typeof schema !== 'object') {
      throw invalidParam(
        'response_format.json_schema.schema',
        'response_format.json_schema.schema must be an object',
      );
    }
    return { kind: 'json', grammar: await jsonSchemaGrammar(engine, schema, 'response_format') };
  }
  throw invalidParam(
    'response_format',
    "response_format.type must be 'text', 'json_object' or 'json_schema'",
  );
}

function readTools(value: unknown): FunctionTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParam('tools', "'tools' must be an array");
  return value.map((raw, i) => {
    const t = raw as { type?: unknown; function?: { name?: unknown; parameters?: unknown } } | null;
    if (t?.type !== 'function' || typeof t.function?.name !== 'string') {
      throw invalidParam(`tools[${i}]`, `tools[${i}] must be {"type":"function","function":{"name",...}}`);
    }
    const parameters = t.function.parameters ?? { type: 'object', properties: {} };
    if (typeof parameters !== 'object') {
      throw invalidParam(
        `tools[${i}].function.parameters`,
        'function parameters must be a JSON schema object',
      );
    }
    return { name: t.function.name, parameters: parameters as Record<string, unknown> };
  });
}

/**
 * A grammar generating compact JSON valid against `schema` (json-schema-grammar.ts says what is enforced).
 * @throws GatewayError 400 naming `param` and the keyword when the schema cannot be enforced
 */
export async function jsonSchemaGrammar(
  engine: ModelEngine,
  schema: unknown,
  param: string,
): Promise<LlamaGrammar> {
  return gbnfGrammar(engine, jsonSchemaToGbnf(schema, param), param);
}

/**
 * True when `text` is one complete JSON object or array (surrounding whitespace allowed). A JSON grammar
 * lets the model pad with whitespace after the value, so generation stops as soon as this holds.
 */
export function isCompleteJsonValue(text: string): boolean {
  const t = text.trim();
  if (!(t.endsWith('}') || t.endsWith(']'))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
