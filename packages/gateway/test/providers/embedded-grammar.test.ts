/**
 * The grammar a forced `tool_choice` compiles to (providers/embedded/grammar.ts), checked on the grammar
 * itself rather than on what a tiny model happens to sample: a named function admits a call of that function
 * only; `"required"` admits any offered function; the arguments must match the function's parameters. Uses
 * node-llama-cpp's real GBNF compiler (no model needed to build a grammar).
 */
import { getLlama, type Llama, type LlamaJsonSchemaGrammar } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelEngine } from '../../src/providers/embedded/engine.js';
import { chatOutputPlan } from '../../src/providers/embedded/grammar.js';

let llama: Llama;

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
});

const TOOLS = [
  { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } },
  {
    type: 'function',
    function: {
      name: 'set_level',
      parameters: {
        type: 'object',
        properties: { level: { type: 'integer' }, unit: { enum: ['db', 'pct'] } },
      },
    },
  },
];

/** The tool-call grammar for `tool_choice`, as the embedded provider builds it. */
async function toolGrammar(toolChoice: unknown): Promise<LlamaJsonSchemaGrammar<never>> {
  const plan = await chatOutputPlan({ llama } as unknown as ModelEngine, {
    tools: TOOLS,
    tool_choice: toolChoice,
  });
  if (plan.constraint.kind !== 'tool_call')
    throw new Error(`expected a tool_call constraint, got ${plan.constraint.kind}`);
  return plan.constraint.grammar as LlamaJsonSchemaGrammar<never>;
}

const NOOP_CALL = '{"name": "noop", "arguments": {}}';
const SET_LEVEL_CALL = '{"name": "set_level", "arguments": {"level": 3, "unit": "db"}}';

describe('tool_choice grammar', () => {
  it('a named function admits a call of that function and no other', async () => {
    const grammar = await toolGrammar({ type: 'function', function: { name: 'set_level' } });
    expect(grammar.parse(SET_LEVEL_CALL)).toEqual({ name: 'set_level', arguments: { level: 3, unit: 'db' } });
    expect(() => grammar.parse(NOOP_CALL)).toThrow();
    expect(grammar.grammar).toContain('set_level');
    expect(grammar.grammar).not.toContain('noop');
  });

  it('the named function’s arguments must match its parameters', async () => {
    const grammar = await toolGrammar({ type: 'function', function: { name: 'set_level' } });
    expect(() =>
      grammar.parse('{"name": "set_level", "arguments": {"level": "loud", "unit": "db"}}'),
    ).toThrow();
    expect(() =>
      grammar.parse('{"name": "set_level", "arguments": {"level": 3, "unit": "watts"}}'),
    ).toThrow();
  });

  it('"required" admits a call of any offered function', async () => {
    const grammar = await toolGrammar('required');
    expect(grammar.parse(NOOP_CALL)).toEqual({ name: 'noop', arguments: {} });
    expect(grammar.parse(SET_LEVEL_CALL)).toEqual({ name: 'set_level', arguments: { level: 3, unit: 'db' } });
    expect(() => grammar.parse('{"name": "rm_rf", "arguments": {}}')).toThrow();
  });

  it('"auto" and "none" leave the output free', async () => {
    const engine = { llama } as unknown as ModelEngine;
    expect((await chatOutputPlan(engine, { tools: TOOLS, tool_choice: 'auto' })).constraint.kind).toBe(
      'text',
    );
    const none = await chatOutputPlan(engine, { tools: TOOLS, tool_choice: 'none' });
    expect(none.constraint.kind).toBe('text');
    expect(none.promptTools).toBeUndefined();
  });
});
