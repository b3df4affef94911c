/**
 * Tool calls parsed from the model's own syntax (src/providers/embedded/tool-call-parsers.ts): real models'
 * outputs (test/fixtures/tool-calls, provenance in its README) become OpenAI `tool_calls`, whole or fed one
 * character at a time as a stream delivers them (the deltas add up to the same calls, with stable index and
 * id); text in no known syntax stays text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolCallDelta } from '../../src/providers/embedded/forced-tool-call.js';
import {
  detectToolCallFormat,
  parseToolCalls,
  type ToolCallFormat,
  toolCallParser,
} from '../../src/providers/embedded/tool-call-parsers.js';
import { FIXTURES_DIR } from '../support/fake-upstream.js';

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, 'tool-calls', name), 'utf8');

const CASES: [string, ToolCallFormat, { name: string; arguments: unknown }[]][] = [
  [
    'qwen2.5-parallel.txt',
    'hermes',
    [
      { name: 'get_current_temperature', arguments: { location: 'San Francisco, CA, USA' } },
      { name: 'get_temperature_date', arguments: { location: 'San Francisco, CA, USA', date: '2024-10-01' } },
    ],
  ],
  [
    'mistral-v0.3.txt',
    'mistral',
    [{ name: 'retrieve_payment_status', arguments: { transaction_id: 'T1001' } }],
  ],
  [
    'llama3.1-json.txt',
    'llama3-json',
    [{ name: 'get_current_conditions', arguments: { location: 'San Francisco, CA', unit: 'Fahrenheit' } }],
  ],
];

/** Feeds `text` one character at a time and collects content and deltas. */
function streamed(format: ToolCallFormat, text: string, parallel = true) {
  const parser = toolCallParser(format, parallel);
  let content = '';
  const deltas: ToolCallDelta[] = [];
  for (const piece of [...[...text].map((c) => parser.push(c)), parser.finish()]) {
    content += piece.content;
    deltas.push(...piece.toolCalls);
  }
  return { content, deltas };
}

describe('tool calls in the models’ own syntax', () => {
  it.each(CASES)('%s (%s) parses into the calls it writes', (file, format, expected) => {
    const { content, toolCalls } = parseToolCalls(format, true, fixture(file));
    expect(content).toBeNull();
    expect(
      toolCalls.map((c) => ({ name: c.function.name, arguments: JSON.parse(c.function.arguments) })),
    ).toEqual(expected);
    expect(toolCalls.every((c) => c.type === 'function' && /^call_/.test(c.id))).toBe(true);
    expect(new Set(toolCalls.map((c) => c.id)).size).toBe(toolCalls.length);
  });

  it.each(CASES)(
    '%s streamed a character at a time: deltas with stable index and id add up to the calls',
    (file, format, expected) => {
      const { content, deltas } = streamed(format, fixture(file));
      expect(content.trim()).toBe('');
      for (const [index, call] of expected.entries()) {
        const own = deltas.filter((d) => d.index === index);
        expect(own[0]!.id).toMatch(/^call_/);
        expect(own[0]!.function.name).toBe(call.name);
        expect(own.slice(1).every((d) => d.id === undefined && d.function.name === undefined)).toBe(true);
        expect(JSON.parse(own.map((d) => d.function.arguments).join(''))).toEqual(call.arguments);
      }
      expect(new Set(deltas.map((d) => d.index))).toEqual(new Set(expected.map((_, i) => i)));
    },
  );

  it('streams Hermes arguments incrementally, not in one piece', () => {
    const { deltas } = streamed('hermes', fixture('qwen2.5-parallel.txt'));
    expect(deltas.filter((d) => d.index === 1 && d.id === undefined).length).toBeGreaterThan(5);
  });

  it('keeps text around Hermes calls as content, and only the first call without parallel_tool_calls', () => {
    const text = `Let me check.\n${fixture('qwen2.5-parallel.txt')}`;
    const parsed = parseToolCalls('hermes', false, text);
    expect(parsed.content).toBe('Let me check.');
    expect(parsed.toolCalls.map((c) => c.function.name)).toEqual(['get_current_temperature']);
    expect(streamed('hermes', text).content.trim()).toBe('Let me check.');
  });

  it('leaves text in no call syntax, and malformed calls, as text', () => {
    expect(parseToolCalls('hermes', true, 'Once upon a time, a cat.')).toEqual({
      content: 'Once upon a time, a cat.',
      toolCalls: [],
    });
    const broken = '<tool_call>\nnot json\n</tool_call>';
    expect(parseToolCalls('hermes', true, broken)).toEqual({ content: broken, toolCalls: [] });
    expect(parseToolCalls('llama3-json', true, '{"story": 1}').toolCalls).toEqual([]);
    expect(parseToolCalls('mistral', true, 'A [TOOL_CALLS] oops').content).toBe('A [TOOL_CALLS] oops');
  });

  it('reads Mistral v11 name[ARGS] calls and several Llama 3 calls separated by ;', () => {
    const mistral = parseToolCalls('mistral', true, '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}');
    expect(mistral.toolCalls[0]!.function).toEqual({ name: 'get_weather', arguments: '{"city": "Paris"}' });
    const llama = parseToolCalls(
      'llama3-json',
      true,
      '<|python_tag|>{"name": "a", "parameters": {}}; {"name": "b", "parameters": {"x": 1}}',
    );
    expect(llama.toolCalls.map((c) => c.function.name)).toEqual(['a', 'b']);
  });

  it('detects the family from the chat template’s markers; an unknown template has none', () => {
    expect(detectToolCallFormat('{{ "<tool_call>" }}')).toBe('hermes');
    expect(detectToolCallFormat('[TOOL_CALLS] {{ tools }}')).toBe('mistral');
    expect(detectToolCallFormat("{{- '<|python_tag|>' }}")).toBe('llama3-json');
    expect(detectToolCallFormat('{% for m in messages %}{{ m.content }}{% endfor %}')).toBeUndefined();
    expect(detectToolCallFormat(undefined)).toBeUndefined();
  });
});
