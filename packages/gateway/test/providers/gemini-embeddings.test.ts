import { describe, expect, it } from 'vitest';
import { jsonBody, providerRequest } from '../support/provider-request.js';
import { rejection } from '../support/rejections.js';
import { useGeminiHarness } from '../support/translated-provider-harness.js';

const h = useGeminiHarness();

describe('gemini embeddings (embedContent / batchEmbedContents)', () => {
  it('one input → embedContent with outputDimensionality; float vectors', async () => {
    h.fake.route('POST /v1beta/models/gemini-embedding-001:embedContent', { fixture: 'gemini/embed.json' });
    const response = await h.provider.handle(
      providerRequest(
        'embeddings',
        { model: 'emb', input: 'hello', dimensions: 3 },
        {},
        'models/gemini-embedding-001',
      ),
    );
    expect(h.fake.requests[0]!.json).toEqual({
      content: { parts: [{ text: 'hello' }] },
      outputDimensionality: 3,
    });
    expect(jsonBody(response)).toEqual({
      object: 'list',
      model: 'emb',
      data: [{ object: 'embedding', index: 0, embedding: [1, -2, 0.5] }],
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('an array → batchEmbedContents; base64 is little-endian float32', async () => {
    h.fake.route('POST /v1beta/models/gemini-embedding-001:batchEmbedContents', {
      fixture: 'gemini/batch-embed.json',
    });
    const response = await h.provider.handle(
      providerRequest(
        'embeddings',
        { input: ['a', 'b'], encoding_format: 'base64' },
        {},
        'gemini-embedding-001',
      ),
    );
    expect(h.fake.requests[0]!.json).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } },
      ],
    });
    const data = jsonBody(response).data as { embedding: string }[];
    const decode = (b64: string) => [...new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer)];
    expect(data.map((d) => decode(d.embedding))).toEqual([
      [0.25, 0.5, 0.75],
      [-0.25, -0.5, -0.75],
    ]);
  });

  it('token-array input → 400 naming input', async () => {
    const error = await rejection(
      h.provider.handle(
        providerRequest(
          'embeddings',
          { input: [[1, 2, 3]] },
          { drop_unsupported_params: true },
          'gemini-embedding-001',
        ),
      ),
    );
    expect(error.param).toBe('input');
  });
});

describe('gemini discovery', () => {
  it('lists models from GET /models with capabilities and context length, following nextPageToken', async () => {
    h.fake.route('GET /v1beta/models', (req) =>
      req.url.includes('pageToken=')
        ? {
            json: {
              models: [
                {
                  name: 'models/gemini-2.5-pro',
                  inputTokenLimit: 1048576,
                  supportedGenerationMethods: ['generateContent'],
                },
              ],
            },
          }
        : {
            json: {
              models: [
                {
                  name: 'models/gemini-2.5-flash',
                  inputTokenLimit: 1048576,
                  supportedGenerationMethods: ['generateContent', 'countTokens'],
                },
                {
                  name: 'models/gemini-embedding-001',
                  inputTokenLimit: 2048,
                  supportedGenerationMethods: ['embedContent'],
                },
              ],
              nextPageToken: 'P2',
            },
          },
    );
    const models = await h.provider.listModels(new AbortController().signal);
    expect(models).toEqual([
      { id: 'gemini-2.5-flash', capabilities: ['chat', 'completion'], maxModelLen: 1048576 },
      { id: 'gemini-embedding-001', capabilities: ['embedding'], maxModelLen: 2048 },
      { id: 'gemini-2.5-pro', capabilities: ['chat', 'completion'], maxModelLen: 1048576 },
    ]);
    expect(h.fake.requests.map((r) => r.url)).toEqual([
      '/v1beta/models?pageSize=1000',
      '/v1beta/models?pageSize=1000&pageToken=P2',
    ]);
    expect(h.fake.requests[0]!.headers['x-goog-api-key']).toBe('AIza-test');
  });
});
