import { describe, expect, it } from 'vitest';
import { assistantToolCalls, functionTools, toolChoice } from '../../../src/protocols/openai/chat-tools.js';
import { thrownBy } from '../../support/rejections.js';

// OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create
describe('functionTools', () => {
  it('keeps name, string description, parameters as sent and boolean strict; nothing else', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } } };
    expect(
      functionTools([
        { type: 'function', function: { name: 'a', description: 'A', parameters, strict: true } },
        { type: 'function', function: { name: 'b', description: 7, parameters: null, strict: null } },
        { type: 'function', function: { name: 'c' } },
      ]),
    ).toEqual([
      { name: 'a', description: 'A', parameters, strict: true },
      { name: 'b', parameters: null },
      { name: 'c' },
    ]);
    expect(functionTools(undefined)).toBeUndefined();
    expect(functionTools(null)).toBeUndefined();
  });

  it('names `tools` when it is not an array and `tools[i]` for an entry without a function name', () => {
    expect(thrownBy(() => functionTools({})).param).toBe('tools');
    expect(thrownBy(() => functionTools([{ type: 'function', function: { name: 'a' } }, {}])).param).toBe(
      'tools[1]',
    );
    expect(thrownBy(() => functionTools([{ type: 'custom', custom: { name: 'x' } }])).param).toBe('tools[0]');
  });
});

// OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create
describe('toolChoice', () => {
  it('reads the string forms, a named function, and the newer kinds as unsupported', () => {
    expect(toolChoice('auto')).toEqual({ kind: 'auto' });
    expect(toolChoice('none')).toEqual({ kind: 'none' });
    expect(toolChoice('required')).toEqual({ kind: 'required' });
    expect(toolChoice({ type: 'function', function: { name: 'f' } })).toEqual({
      kind: 'function',
      name: 'f',
    });
    expect(toolChoice({ type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } })).toEqual({
      kind: 'unsupported',
    });
    expect(toolChoice({ type: 'custom', custom: { name: 'x' } })).toEqual({ kind: 'unsupported' });
    expect(toolChoice(null)).toBeUndefined();
  });

  it('any other value is a 400 naming tool_choice', () => {
    for (const value of ['any', 'toString', 3, { type: 'function', function: {} }]) {
      expect(thrownBy(() => toolChoice(value)).param).toBe('tool_choice');
    }
  });
});

// OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create
describe('assistantToolCalls', () => {
  it('returns id, name and the parsed arguments; empty arguments are {}', () => {
    expect(
      assistantToolCalls(
        {
          role: 'assistant',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
            { id: 'c2', type: 'function', function: { name: 'g', arguments: '' } },
          ],
        },
        'messages[1]',
      ),
    ).toEqual([
      { id: 'c1', name: 'f', arguments: { x: 1 } },
      { id: 'c2', name: 'g', arguments: {} },
    ]);
    expect(assistantToolCalls({ role: 'assistant', content: 'hi' }, 'messages[0]')).toEqual([]);
  });

  it('names the call without an id, and the arguments that are not a JSON object', () => {
    const noId = {
      role: 'assistant',
      tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }],
    };
    expect(thrownBy(() => assistantToolCalls(noId as never, 'messages[2]')).param).toBe(
      'messages[2].tool_calls[0]',
    );
    for (const args of ['[1]', '{not json', '"text"']) {
      const message = {
        role: 'assistant' as const,
        tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: args } }],
      };
      expect(thrownBy(() => assistantToolCalls(message, 'messages[2]')).param).toBe(
        'messages[2].tool_calls[0].function.arguments',
      );
    }
  });
});
