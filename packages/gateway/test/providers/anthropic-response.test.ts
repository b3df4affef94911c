import { describe, expect, it } from 'vitest';
import { jsonBody, providerRequest } from '../support/provider-request.js';
import { rejection } from '../support/rejections.js';
import { ANTHROPIC_MESSAGES, useAnthropicHarness } from '../support/translated-provider-harness.js';

const h = useAnthropicHarness();

// Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages
describe('anthropic responses, endpoints and discovery', () => {
  it('maps the non-streaming response', async () => {
    h.fake.route(ANTHROPIC_MESSAGES, { fixture: 'anthropic/tool-use.json' });
    const body = jsonBody(
      await h.provider.handle(
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
  });

  it('has no embeddings endpoint', async () => {
    const error = await rejection(h.provider.handle(providerRequest('embeddings', { input: 'x' })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('unsupported_endpoint');
  });

  it('discovers models from GET /v1/models, following has_more pages', async () => {
    h.fake.route('GET /v1/models', (req) =>
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
    const models = await h.provider.listModels(new AbortController().signal);
    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(models[0]!.created).toBe(Date.parse('2025-09-29T00:00:00Z') / 1000);
    expect(h.fake.requests[1]!.url).toBe('/v1/models?limit=100&after_id=claude-sonnet-4-5');
    expect(h.fake.requests[0]!.headers['x-api-key']).toBe('sk-ant-test');
    expect(h.provider.discover).toBe(false);
  });
});
