import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/http/errors.js';
import { AnthropicConfigSchema } from '../../src/providers/anthropic/config.js';
import { AnthropicProvider } from '../../src/providers/anthropic/provider.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { jsonBody, providerRequest } from '../support/provider-request.js';

let fake: FakeUpstream;
let provider: AnthropicProvider;

function makeProvider(extra: Record<string, unknown> = {}): AnthropicProvider {
  return new AnthropicProvider(
    'claude',
    AnthropicConfigSchema.parse({
      type: 'anthropic',
      base_url: `${fake.url}/v1`,
      api_key: 'sk-ant-test',
      ...extra,
    }),
  );
}

beforeAll(async () => {
  fake = await startFakeUpstream({ 'POST /v1/messages': { fixture: 'anthropic/text.json' } });
  provider = makeProvider();
});
afterAll(async () => {
  await provider.close();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('anthropic responses, endpoints and discovery (shared/api/anthropic-gemini.md §A.4)', () => {
  it('maps the non-streaming response (shared/api/anthropic-gemini.md §A.4)', async () => {
    fake.route('POST /v1/messages', { fixture: 'anthropic/tool-use.json' });
    try {
      const body = jsonBody(
        await provider.handle(
          providerRequest('chat.completions', {
            model: 'claude',
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 5,
          }),
        ),
      );
      expect(body).toEqual({
        id: 'msg_01XYZ',
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'claude',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Checking the weather.',
              refusal: null,
              tool_calls: [
                {
                  id: 'toolu_01A',
                  type: 'function',
                  function: { name: 'lookup_city', arguments: '{"city":"Oslo"}' },
                },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: {
          prompt_tokens: 412,
          completion_tokens: 58,
          total_tokens: 470,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      });
    } finally {
      fake.route('POST /v1/messages', { fixture: 'anthropic/text.json' });
    }
  });

  it('has no embeddings endpoint', async () => {
    const error = await rejection(provider.handle(providerRequest('embeddings', { input: 'x' })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('unsupported_endpoint');
  });

  it('discovers models from GET /v1/models, following has_more pages', async () => {
    fake.route('GET /v1/models', (req) =>
      req.url.includes('after_id=')
        ? {
            json: {
              data: [{ type: 'model', id: 'claude-opus-4-1', created_at: '2025-08-05T00:00:00Z' }],
              has_more: false,
              last_id: 'claude-opus-4-1',
            },
          }
        : {
            json: {
              data: [{ type: 'model', id: 'claude-sonnet-4-5', created_at: '2025-09-29T00:00:00Z' }],
              has_more: true,
              last_id: 'claude-sonnet-4-5',
            },
          },
    );
    const models = await provider.listModels(new AbortController().signal);
    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(models[0]!.created).toBe(Date.parse('2025-09-29T00:00:00Z') / 1000);
    expect(fake.requests[1]!.url).toBe('/v1/models?limit=100&after_id=claude-sonnet-4-5');
    expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-ant-test');
    expect(provider.discover).toBe(false);
  });
});
