import { invalidParam } from '../../core/errors.js';
import type { ModelEngine } from './engine.js';
import { gbnfGrammar } from './gbnf.js';
import { jsonSchemaGrammar, type OutputConstraint } from './grammar.js';
import { gbnfLiteral, regexToGbnf } from './regex-grammar.js';

/** vLLM's top-level guided-decoding fields, each with its `structured_outputs` key. */
const GUIDED_FIELDS = {
  guided_choice: 'choice',
  guided_regex: 'regex',
  guided_json: 'json',
  guided_grammar: 'grammar',
} as const;

type GuideKind = (typeof GUIDED_FIELDS)[keyof typeof GUIDED_FIELDS];

/**
 * The constraint of a request that may carry a vLLM guide besides `response_format` / a forced tool call.
 * @param base the constraint from `response_format` and `tool_choice`
 * @returns `base` when no guide is sent, else the guide's constraint
 * @throws GatewayError 400 as {@link guidedConstraint}, and when a guide meets a non-text `base`
 */
export async function withGuide(
  engine: ModelEngine,
  body: Record<string, unknown>,
  base: OutputConstraint,
): Promise<OutputConstraint> {
  const guided = await guidedConstraint(engine, body);
  if (!guided) return base;
  if (base.kind !== 'text') {
    throw invalidParam(
      guided.param,
      `'${guided.param}' cannot be combined with ${base.kind === 'tool_call' ? 'a forced tool_choice' : 'response_format'}`,
    );
  }
  return guided.constraint;
}

/**
 * vLLM's guided decoding (vLLM docs, Structured Outputs:
 * https://docs.vllm.ai/en/latest/features/structured_outputs.html): the legacy top-level fields
 * `guided_choice`, `guided_regex`, `guided_json`, `guided_grammar` and their successor object
 * `structured_outputs` {`choice`, `regex`, `json`, `grammar`}, compiled to a llama.cpp grammar:
 * - `choice` (non-empty list of strings): the output is exactly one of them;
 * - `regex`: the output is one full match (regex-grammar.ts);
 * - `json` (a JSON Schema object or its JSON text): as `response_format` `json_schema`;
 * - `grammar`: a GBNF grammar in llama.cpp's syntax (llama.cpp `grammars/README.md`), used as given (vLLM's
 *   own engines read their EBNF dialects; the embedded engine reads llama.cpp's).
 * @returns the constraint and the field it came from; undefined when the request uses none of them
 * @throws GatewayError 400 naming the field for a malformed value, an invalid regex or grammar, or more than
 *   one kind of guide in a request (vLLM allows one)
 */
export async function guidedConstraint(
  engine: ModelEngine,
  body: Record<string, unknown>,
): Promise<{ constraint: OutputConstraint; param: string } | undefined> {
  const guides: { kind: GuideKind; value: unknown; param: string }[] = [];
  for (const [field, kind] of Object.entries(GUIDED_FIELDS)) {
    const value = body[field];
    if (value !== undefined && value !== null) guides.push({ kind, value, param: field });
  }
  const structured = body.structured_outputs;
  if (structured !== undefined && structured !== null) {
    if (typeof structured !== 'object' || Array.isArray(structured)) {
      throw invalidParam('structured_outputs', "'structured_outputs' must be an object");
    }
    for (const [key, value] of Object.entries(structured)) {
      if (value === undefined || value === null) continue;
      if (!Object.values(GUIDED_FIELDS).includes(key as GuideKind)) {
        throw invalidParam(
          `structured_outputs.${key}`,
          `structured_outputs.${key} is not supported by the embedded engine (choice, regex, json, grammar are)`,
        );
      }
      guides.push({ kind: key as GuideKind, value, param: `structured_outputs.${key}` });
    }
  }
  if (guides.length === 0) return undefined;
  if (guides.length > 1) {
    throw invalidParam(
      guides[1]!.param,
      `only one kind of guided decoding can be used per request, got ${guides.map((g) => g.param).join(' and ')}`,
    );
  }
  const { kind, value, param } = guides[0]!;
  return { constraint: await compileGuide(engine, kind, value, param), param };
}

async function compileGuide(
  engine: ModelEngine,
  kind: GuideKind,
  value: unknown,
  param: string,
): Promise<OutputConstraint> {
  switch (kind) {
    case 'json':
      return { kind: 'json', grammar: await jsonSchemaGrammar(engine, readSchema(value, param), param) };
    case 'choice':
      return {
        kind: 'grammar',
        grammar: await gbnfGrammar(engine, `root ::= ${choiceRule(value, param)}`, param),
      };
    case 'regex': {
      if (typeof value !== 'string') throw invalidParam(param, `'${param}' must be a string`);
      return {
        kind: 'grammar',
        grammar: await gbnfGrammar(engine, `root ::= ${regexToGbnf(value, 'raw', param)}`, param),
      };
    }
    case 'grammar': {
      if (typeof value !== 'string' || value.trim() === '') {
        throw invalidParam(param, `'${param}' must be a GBNF grammar text`);
      }
      return { kind: 'grammar', grammar: await gbnfGrammar(engine, value, param) };
    }
  }
}

function choiceRule(value: unknown, param: string): string {
  if (!Array.isArray(value) || value.length === 0 || !value.every((c) => typeof c === 'string' && c !== '')) {
    throw invalidParam(param, `'${param}' must be a non-empty list of non-empty strings`);
  }
  return (value as string[]).map(gbnfLiteral).join(' | ');
}

function readSchema(value: unknown, param: string): Record<string, unknown> {
  let schema = value;
  if (typeof value === 'string') {
    try {
      schema = JSON.parse(value);
    } catch {
      throw invalidParam(param, `'${param}' is a string but not JSON`);
    }
  }
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    throw invalidParam(param, `'${param}' must be a JSON Schema object`);
  }
  return schema as Record<string, unknown>;
}
