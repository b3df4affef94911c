/** Configuration mistakes are reported one per line with the key, the value and a "did you mean" hint. */
import { describe, expect, it } from 'vitest';
import { closest } from '../src/config-errors.js';
import { ClientConfigError, configFromEnv, OpenAICompatibleClient } from '../src/index.js';

/** The `ClientConfigError` the constructor throws for `config`. */
function configError(config: object): ClientConfigError {
  try {
    new OpenAICompatibleClient(config as { platform: 'vllm' });
  } catch (error) {
    if (error instanceof ClientConfigError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('ClientConfigError', () => {
  it('suggests the camelCase key for a snake_case one, also in nested objects', () => {
    const error = configError({ platform: 'vllm', api_key: 'k', vllm: { chat_template: 'x' } });
    expect(error.problems).toEqual([
      { path: 'vllm.chat_template', message: 'unknown option; did you mean "chatTemplate"?' },
      { path: 'api_key', message: 'unknown option; did you mean "apiKey"?' },
    ]);
    expect(error.message).toBe(
      'Invalid client configuration:\n' +
        '  - vllm.chat_template: unknown option; did you mean "chatTemplate"?\n' +
        '  - api_key: unknown option; did you mean "apiKey"?',
    );
  });

  it('suggests the nearest platform and gives no hint for a far-off key', () => {
    const error = configError({ platform: 'vlm', colour: 'blue' });
    expect(error.problems).toContainEqual({
      path: 'platform',
      message: 'expected one of "vllm", "ollama", "openai", "switchyard", got "vlm"; did you mean "vllm"?',
    });
    expect(error.problems).toContainEqual({ path: 'colour', message: 'unknown option' });
  });

  it('names a base URL without a scheme and offers the http:// form', () => {
    const error = configError({ platform: 'switchyard', baseURL: 'localhost:19501' });
    expect(error.problems).toEqual([
      {
        path: 'baseURL',
        message:
          '"localhost:19501" has no http:// or https:// scheme; did you mean "http://localhost:19501"?',
      },
    ]);
    expect(configError({ platform: 'vllm', baseURL: 'ftp://host/v1' }).problems).toEqual([
      { path: 'baseURL', message: 'must be an http:// or https:// URL, got "ftp://host/v1"' },
    ]);
  });

  it('reports environment variables through the same error', () => {
    expect(() => configFromEnv({ SWITCHYARD_BASE_URL: '127.0.0.1:19501' })).toThrow(
      'did you mean "http://127.0.0.1:19501"?',
    );
  });

  it('requires baseURL on the switchyard platform', () => {
    expect(configError({ platform: 'switchyard' }).message).toContain(
      'baseURL is required on the switchyard',
    );
  });
});

describe('closest', () => {
  it('matches ignoring case, underscores and dashes, else within a third of the length', () => {
    expect(closest('MAX_RETRIES', ['maxRetries', 'timeout'])).toBe('maxRetries');
    expect(closest('timout', ['maxRetries', 'timeout'])).toBe('timeout');
    expect(closest('baseurl', ['baseURL'])).toBe('baseURL');
    expect(closest('zzz', ['maxRetries', 'timeout'])).toBeUndefined();
  });
});
