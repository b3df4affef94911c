import { describe, expect, it } from 'vitest';
import type { UpstreamError } from '../../../src/core/errors.js';
import { parseConfig } from '../../../src/load-config.js';
import { OllamaConfigSchema } from '../../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../../src/providers/ollama/provider.js';
import { type Any, useOllamaHarness } from './harness.js';

const h = useOllamaHarness();

describe('OllamaProvider discovery and config', () => {
  it('lists /api/tags models with capabilities and context length from /api/show, cached by digest', async () => {
    h.fake.route('GET /api/tags', { fixture: 'ollama/tags.json' });
    h.fake.route('POST /api/show', (req) => ({
      fixture:
        (req.json as Any).model === 'all-minilm:latest'
          ? 'ollama/show-all-minilm.json'
          : 'ollama/show-llama3.2.json',
    }));
    const fresh = h.makeProvider();
    const models = await fresh.listModels(new AbortController().signal);
    expect(models).toEqual([
      {
        id: 'llama3.2:latest',
        created: Math.floor(Date.parse('2025-05-04T17:37:44.706015396-07:00') / 1000),
        capabilities: ['chat', 'completion'],
        maxModelLen: 131072,
      },
      {
        id: 'all-minilm:latest',
        created: Math.floor(Date.parse('2025-05-01T08:00:00Z') / 1000),
        capabilities: ['embedding'],
        maxModelLen: 512,
      },
    ]);
    expect(h.fake.requests.filter((r) => r.url === '/api/show')).toHaveLength(2);
    expect(await fresh.listModels(new AbortController().signal)).toEqual(models);
    expect(h.fake.requests.filter((r) => r.url === '/api/show')).toHaveLength(2);
    await fresh.close();
  });

  it('fails listModels when /api/tags fails, so the gateway sees the server as unhealthy', async () => {
    h.fake.route('GET /api/tags', { status: 500, json: { error: 'boom' } });
    const err = (await h.provider
      .listModels(new AbortController().signal)
      .catch((e: unknown) => e)) as UpstreamError;
    expect([err.status, err.message]).toEqual([500, 'boom']);
  });

  it('defaults base_url to 127.0.0.1:11434 and discover to true, and is registered in the catalog', () => {
    const parsed = OllamaConfigSchema.parse({ type: 'ollama' });
    expect(parsed.base_url).toBe('http://127.0.0.1:11434');
    const p = new OllamaProvider('o', parsed);
    expect(p.discover).toBe(true);
    void p.close();
    const config = parseConfig(
      { providers: { local: { type: 'ollama', base_url: 'http://10.0.0.2:11434', discover: false } } },
      '/tmp',
    );
    expect(config.providers.local).toMatchObject({
      type: 'ollama',
      discover: false,
      base_url: 'http://10.0.0.2:11434',
    });
    expect(() => parseConfig({ providers: { local: { type: 'ollama', api_base: 'x' } } }, '/tmp')).toThrow(
      /api_base/,
    );
  });
});
