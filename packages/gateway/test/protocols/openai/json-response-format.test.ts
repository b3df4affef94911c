import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import { jsonResponseFormat } from '../../../src/protocols/openai/chat-request.js';

// OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create
describe('jsonResponseFormat', () => {
  it('text, null and absent ask for nothing; json_object and json_schema (with its schema) ask for JSON', () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } } };
    expect(jsonResponseFormat(undefined)).toBeUndefined();
    expect(jsonResponseFormat(null)).toBeUndefined();
    expect(jsonResponseFormat({ type: 'text' })).toBeUndefined();
    expect(jsonResponseFormat({ type: 'json_object' })).toEqual({ type: 'json_object' });
    expect(jsonResponseFormat({ type: 'json_schema', json_schema: { name: 'receipt', schema } })).toEqual({
      type: 'json_schema',
      schema,
    });
  });

  it('another type, or json_schema without a schema object, is a 400 naming response_format', () => {
    for (const value of ['json', { type: 'xml' }, { type: 'json_schema', json_schema: { name: 'x' } }]) {
      let error: unknown;
      try {
        jsonResponseFormat(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).param).toBe('response_format');
    }
  });
});
