/** Error bodies of every dialect the gateway and client meet, read into OpenAI's error object. */
import { describe, expect, it } from 'vitest';
import { errorTypeForStatus, readErrorBody } from '../src/index.js';

describe('readErrorBody', () => {
  it('keeps the OpenAI envelope, vLLM v0.10.1+ included (integer code)', () => {
    expect(
      readErrorBody(400, {
        error: { message: 'max_tokens too large', type: 'BadRequestError', param: 'max_tokens', code: 400 },
      }),
    ).toEqual({ message: 'max_tokens too large', type: 'BadRequestError', param: 'max_tokens', code: 400 });
  });

  it("reads vLLM's older flat body", () => {
    expect(
      readErrorBody(404, {
        object: 'error',
        message: 'The model `x` does not exist.',
        type: 'NotFoundError',
        param: null,
        code: 404,
      }),
    ).toEqual({ message: 'The model `x` does not exist.', type: 'NotFoundError', param: null, code: 404 });
  });

  it("reads Ollama's string error with the type of the status, or api_error inside a stream", () => {
    expect(readErrorBody(404, { error: 'model "llama9" not found, try pulling it first' })).toEqual({
      message: 'model "llama9" not found, try pulling it first',
      type: 'not_found_error',
      param: null,
      code: null,
    });
    expect(readErrorBody(undefined, { error: 'unexpected EOF' })?.type).toBe('api_error');
  });

  it("reads Anthropic's error type and Google's status as the type", () => {
    expect(
      readErrorBody(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toEqual({ message: 'Overloaded', type: 'overloaded_error', param: null, code: null });
    expect(
      readErrorBody(429, {
        error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' },
      }),
    ).toEqual({ message: 'Resource has been exhausted', type: 'RESOURCE_EXHAUSTED', param: null, code: 429 });
  });

  it("reads FastAPI's detail, string or structured", () => {
    expect(readErrorBody(422, { detail: 'Not Found' })?.message).toBe('Not Found');
    expect(readErrorBody(422, { detail: [{ loc: ['body', 'model'], msg: 'field required' }] })?.message).toBe(
      '[{"loc":["body","model"],"msg":"field required"}]',
    );
  });

  it('stringifies an error object without a message, and drops a param or code of the wrong type', () => {
    expect(readErrorBody(500, { error: { code: { nested: true }, param: 7 } })).toEqual({
      message: '{"code":{"nested":true},"param":7}',
      type: 'server_error',
      param: null,
      code: null,
    });
  });

  it('returns undefined for bodies in no known dialect', () => {
    expect(readErrorBody(500, 'text')).toBeUndefined();
    expect(readErrorBody(500, null)).toBeUndefined();
    expect(readErrorBody(500, [1, 2])).toBeUndefined();
    expect(readErrorBody(500, { status: 'bad' })).toBeUndefined();
  });
});

describe('errorTypeForStatus', () => {
  it.each([
    [undefined, 'api_error'],
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [503, 'server_error'],
    [504, 'timeout_error'],
  ])('%s → %s', (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type);
  });
});
