import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/load-config.js';

const parse = (raw: unknown, env: NodeJS.ProcessEnv = {}) => parseConfig(raw, '/etc/switchyard', env);
const errorOf = (raw: unknown, env: NodeJS.ProcessEnv = {}): string => {
  try {
    parse(raw, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('config loading', () => {
  it('parses the documented contract shape with defaults', () => {
    const config = parse(
      {
        providers: {
          'gpu-box': { type: 'vllm', base_url: 'http://10.0.0.5:8000/v1', api_key: '${VLLM_API_KEY}' },
        },
        models: [
          {
            id: 'fast-chat',
            deployments: [{ provider: 'gpu-box', model: 'meta-llama/Llama-3.2-3B-Instruct' }],
          },
        ],
      },
      { VLLM_API_KEY: 'k-123' },
    );
    expect(config.providers['gpu-box']).toMatchObject({ type: 'vllm', api_key: 'k-123', tls_verify: true });
    expect(config.models[0]!.deployments[0]).toEqual({
      provider: 'gpu-box',
      model: 'meta-llama/Llama-3.2-3B-Instruct',
    });
    expect(config.server.body_limit).toBe(10 * 1024 * 1024);
    expect(config.dir).toBe('/etc/switchyard');
  });

  it('interpolates ${VAR:-default} and reports an unset variable with its path', () => {
    const raw = { providers: { up: { type: 'vllm', base_url: '${UP_URL:-http://127.0.0.1:9/v1}' } } };
    expect(parse(raw).providers.up!.base_url).toBe('http://127.0.0.1:9/v1');
    expect(parse(raw, { UP_URL: 'http://h:1/v1' }).providers.up!.base_url).toBe('http://h:1/v1');
    expect(errorOf({ server: { api_keys: ['${MISSING_KEY}'] } })).toMatch(
      /server\.api_keys\[0\]: environment variable MISSING_KEY is not set/,
    );
  });

  it('names the exact path of a bad field', () => {
    expect(errorOf({ providers: { 'gpu-box': { type: 'vllm', base_url: 'not a url' } } })).toMatch(
      /^providers\.gpu-box\.base_url: /m,
    );
    expect(errorOf({ providers: { x: { type: 'vllm' } } })).toMatch(
      /providers\.x\.base_url: base_url is required/,
    );
    expect(errorOf({ providers: { x: { type: 'nonsense' } } })).toMatch(/^providers\.x\.type: /m);
    expect(errorOf({ server: { port: 'eighty' } })).toMatch(/^server\.port: /m);
    expect(errorOf({ models: [{ id: 'm', deployments: [] }] })).toMatch(/^models\[0\]\.deployments: /m);
    expect(errorOf({ server: { body_limit: 'huge' } })).toMatch(
      /server\.body_limit: invalid size \(use e.g. 512kb, 10mb\) 'huge'/,
    );
    expect(errorOf({ providers: { x: { type: 'openai', tiemout: 5 } } })).toMatch(/providers\.x: .*tiemout/);
  });

  it('rejects duplicate model ids and deployments naming unknown providers', () => {
    const message = errorOf({
      providers: { a: { type: 'openai', api_key: 'k' } },
      models: [
        { id: 'm', deployments: [{ provider: 'a' }] },
        { id: 'm', deployments: [{ provider: 'b', model: 'x' }] },
      ],
    });
    expect(message).toMatch(/models\[1\]\.id: duplicate model id 'm'/);
    expect(message).toMatch(
      /models\[1\]\.deployments\[0\]\.provider: unknown provider 'b' \(configured: a\)/,
    );
  });

  it('parses durations and sizes with units', () => {
    const config = parse({
      server: { body_limit: '1mib', drain_timeout: '2s' },
      providers: { a: { type: 'openai', timeout: '1.5m', refresh_interval: 250 } },
    });
    expect(config.server.body_limit).toBe(1024 * 1024);
    expect(config.server.drain_timeout).toBe(2000);
    expect(config.providers.a).toMatchObject({ timeout: 90_000, refresh_interval: 250 });
  });
});
