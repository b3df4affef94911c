import { describe, expect, it } from 'vitest';
import { configuredSecrets, isSecretVariable } from '../../src/config/secrets.js';
import { parseConfig } from '../../src/load-config.js';

describe('configured secrets', () => {
  it('collects API keys, provider credentials and values of secret-named variables', () => {
    const config = parseConfig(
      {
        server: { api_keys: ['master-key-1'] },
        providers: {
          up: { type: 'vllm', base_url: 'http://${UPSTREAM_HOST}:8000/v1', api_key: 'Bearer ${VLLM_TOKEN}' },
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}' },
        },
      },
      '/etc/switchyard',
      { UPSTREAM_HOST: '10.0.0.5', VLLM_TOKEN: 'tok-123456', ANTHROPIC_API_KEY: 'sk-ant-999' },
    );
    expect(config.secrets).toEqual(
      expect.arrayContaining(['master-key-1', 'tok-123456', 'Bearer tok-123456', 'sk-ant-999']),
    );
    expect(config.secrets).not.toContain('10.0.0.5');
  });

  it('takes credential-named settings at any depth, and nothing else', () => {
    const secrets = configuredSecrets({
      providers: {
        p: {
          headers: { Authorization: 'Basic dXNlcjpwYXNz', accept: 'json' },
          tokenizer: 'x.json',
          max_tokens: 5,
        },
      },
    });
    expect(secrets).toEqual(['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz']);
  });

  it('names secret variables by KEY, TOKEN, SECRET or PASSWORD', () => {
    for (const name of ['OPENAI_API_KEY', 'HF_TOKEN', 'client_secret', 'DB_PASSWORD']) {
      expect(isSecretVariable(name)).toBe(true);
    }
    for (const name of ['HOST', 'PORT', 'MODEL_DIR']) expect(isSecretVariable(name)).toBe(false);
  });
});
