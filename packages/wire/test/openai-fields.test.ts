/** The OpenAI request-field catalogue and its neutral values. */
import { describe, expect, it } from 'vitest';
import { isNeutralValue, OPENAI_REQUEST_FIELDS } from '../src/index.js';

describe('OPENAI_REQUEST_FIELDS', () => {
  it('lists each endpoint once per field, model first', () => {
    for (const fields of Object.values(OPENAI_REQUEST_FIELDS)) {
      expect(new Set(fields).size).toBe(fields.length);
      expect(fields[0]).toBe('model');
    }
    expect(OPENAI_REQUEST_FIELDS['chat.completions']).toContain('max_completion_tokens');
    expect(OPENAI_REQUEST_FIELDS.completions).toContain('suffix');
    expect(OPENAI_REQUEST_FIELDS.embeddings).toEqual([
      'model',
      'input',
      'encoding_format',
      'dimensions',
      'user',
    ]);
  });
});

describe('isNeutralValue', () => {
  it("is true only for OpenAI's default of a field", () => {
    expect(isNeutralValue('n', 1)).toBe(true);
    expect(isNeutralValue('n', 2)).toBe(false);
    expect(isNeutralValue('parallel_tool_calls', true)).toBe(true);
    expect(isNeutralValue('parallel_tool_calls', false)).toBe(false);
    expect(isNeutralValue('response_format', { type: 'text' })).toBe(true);
    expect(isNeutralValue('response_format', { type: 'json_object' })).toBe(false);
    expect(isNeutralValue('temperature', 1)).toBe(false);
  });
});
