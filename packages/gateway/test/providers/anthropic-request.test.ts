import { describe, expect, it } from 'vitest';
import { providerRequest } from '../support/provider-request.js';
import { rejection } from '../support/rejections.js';
import { useAnthropicHarness } from '../support/translated-provider-harness.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const h = useAnthropicHarness();

// Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages
describe('anthropic request mapping', () => {
  it('hoists system messages, maps images, tool calls, tool results, tools and sampling fields exactly', async () => {
    await h.provider.handle(
      providerRequest(
        'chat.completions',
        {
          model: 'claude',
          messages: [
            { role: 'system', content: 'You are terse.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Weather here and in Rome?' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
                { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
              ],
            },
            {
              role: 'assistant',
              content: 'Checking.',
              tool_calls: [
                {
                  id: 'toolu_01A',
                  type: 'function',
                  function: { name: 'lookup_city', arguments: '{"city":"Oslo"}' },
                },
                {
                  id: 'toolu_01B',
                  type: 'function',
                  function: { name: 'lookup_city', arguments: '{"city":"Rome"}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'toolu_01A', content: '14°C, cloudy' },
            { role: 'tool', tool_call_id: 'toolu_01B', content: [{ type: 'text', text: '25°C, sunny' }] },
            { role: 'developer', content: [{ type: 'text', text: 'Answer in one line.' }] },
            { role: 'user', content: 'Thanks. Summarise.' },
          ],
          max_completion_tokens: 300,
          stop: 'END',
          temperature: 0.5,
          top_p: 0.9,
          top_k: 40,
          user: 'user-42',
          tools: [
            {
              type: 'function',
              function: {
                name: 'lookup_city',
                description: 'Weather for a city',
                strict: true,
                parameters: {
                  type: 'object',
                  properties: { city: { type: 'string' } },
                  required: ['city'],
                  additionalProperties: false,
                },
              },
            },
            { type: 'function', function: { name: 'current_time' } },
          ],
          tool_choice: 'required',
          parallel_tool_calls: false,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'summary',
              schema: { type: 'object', properties: { text: { type: 'string' } } },
            },
          },
          n: 1,
          stream: false,
        },
        {},
        'claude-sonnet-4-5',
      ),
    );
    expect(h.fake.requests).toHaveLength(1);
    const sent = h.fake.requests[0]!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.json).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are terse.\n\nAnswer in one line.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here and in Rome?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_01A', name: 'lookup_city', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_01B', name: 'lookup_city', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A', content: '14°C, cloudy' },
            { type: 'tool_result', tool_use_id: 'toolu_01B', content: '25°C, sunny' },
          ],
        },
        { role: 'user', content: 'Thanks. Summarise.' },
      ],
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-42' },
      tools: [
        {
          name: 'lookup_city',
          description: 'Weather for a city',
          strict: true,
          input_schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
        { name: 'current_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      output_config: {
        format: { type: 'json_schema', schema: { type: 'object', properties: { text: { type: 'string' } } } },
      },
    });
  });

  it('maps each tool_choice form', async () => {
    const cases: [unknown, unknown][] = [
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      [
        { type: 'function', function: { name: 'lookup_city' } },
        { type: 'tool', name: 'lookup_city' },
      ],
    ];
    for (const [choice, expected] of cases) {
      h.fake.requests.length = 0;
      await h.provider.handle(
        providerRequest('chat.completions', {
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 5,
          tool_choice: choice,
          tools: [{ type: 'function', function: { name: 'lookup_city' } }],
        }),
      );
      expect((h.fake.requests[0]!.json as { tool_choice: unknown }).tool_choice).toEqual(expected);
    }
    h.fake.requests.length = 0;
    await h.provider.handle(
      providerRequest('chat.completions', {
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
        parallel_tool_calls: false,
        tools: [{ type: 'function', function: { name: 'lookup_city' } }],
      }),
    );
    expect((h.fake.requests[0]!.json as { tool_choice: unknown }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
  });

  it('sends only what the client sent, plus the model default_max_tokens when max_tokens is absent', async () => {
    await h.provider.handle(
      providerRequest(
        'chat.completions',
        { messages: [{ role: 'user', content: 'hi' }] },
        { default_max_tokens: 777 },
      ),
    );
    expect(h.fake.requests[0]!.json).toEqual({
      model: 'upstream-model',
      max_tokens: 777,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('accepts the fields that ask nothing of the model: safety_identifier (or user) → metadata.user_id, service_tier mapped, the rest not sent', async () => {
    const inert = { metadata: { app: 'a' }, store: true, prompt_cache_key: 'k-1', n: 1 };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { user: 'u-1', service_tier: 'auto' },
        { metadata: { user_id: 'u-1' }, service_tier: 'auto' },
      ],
      [
        { user: 'u-1', safety_identifier: 's-1', service_tier: 'default' },
        { metadata: { user_id: 's-1' }, service_tier: 'standard_only' },
      ],
      [{ service_tier: 'flex', stream_options: { include_usage: true } }, {}],
    ];
    for (const [index, [fields, mapped]] of cases.entries()) {
      await h.provider.handle(
        providerRequest(
          'chat.completions',
          { messages: [{ role: 'user', content: 'hi' }], ...inert, ...fields },
          { default_max_tokens: 777 },
        ),
      );
      expect(h.fake.requests[index]!.json).toEqual({
        model: 'upstream-model',
        max_tokens: 777,
        messages: [{ role: 'user', content: 'hi' }],
        ...mapped,
      });
    }
  });

  it('falls back to the provider-level default_max_tokens, and the model value wins over it', async () => {
    const withDefault = h.makeProvider({ default_max_tokens: 1024 });
    try {
      await withDefault.handle(
        providerRequest('chat.completions', { messages: [{ role: 'user', content: 'hi' }] }),
      );
      await withDefault.handle(
        providerRequest(
          'chat.completions',
          { messages: [{ role: 'user', content: 'hi' }] },
          { default_max_tokens: 64 },
        ),
      );
      await withDefault.handle(
        providerRequest(
          'chat.completions',
          { messages: [{ role: 'user', content: 'hi' }], max_tokens: 9 },
          { default_max_tokens: 64 },
        ),
      );
    } finally {
      await withDefault.close();
    }
    expect(h.fake.requests.map((r) => (r.json as { max_tokens: number }).max_tokens)).toEqual([1024, 64, 9]);
  });

  it('answers 400 naming max_tokens when neither the client nor config gives one, without calling upstream', async () => {
    const error = await rejection(
      h.provider.handle(providerRequest('chat.completions', { messages: [{ role: 'user', content: 'hi' }] })),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('max_tokens');
    expect(error.message).toContain('default_max_tokens');
    expect(h.fake.requests).toHaveLength(0);
  });

  it('answers 400 naming temperature outside 0..1', async () => {
    const error = await rejection(
      h.provider.handle(
        providerRequest('chat.completions', {
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 5,
          temperature: 1.5,
        }),
      ),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('temperature');
    expect(h.fake.requests).toHaveLength(0);
  });

  it('rejects parameters Anthropic cannot honour with 400 naming them (issue #3 §5)', async () => {
    const base = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
    const cases: [Record<string, unknown>, string][] = [
      [{ seed: 7 }, 'seed'],
      [{ logprobs: true }, 'logprobs'],
      [{ n: 2 }, 'n'],
      [{ presence_penalty: 0.5 }, 'presence_penalty'],
      [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
      [{ some_unknown_field: 1 }, 'some_unknown_field'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
            },
          ],
        },
        'messages[0].content[0]',
      ],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }],
            },
          ],
        },
        'messages[0].content[0].image_url.url',
      ],
    ];
    for (const [extra, param] of cases) {
      const error = await rejection(
        h.provider.handle(providerRequest('chat.completions', { ...base, ...extra })),
      );
      expect(error.status, param).toBe(400);
      expect(error.param).toBe(param);
      expect(error.code).toBe('unsupported_parameter');
    }
    expect(h.fake.requests).toHaveLength(0);
  });

  it('drops unsupported parameters when drop_unsupported_params is set, and reports them in a header', async () => {
    const response = await h.provider.handle(
      providerRequest(
        'chat.completions',
        {
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 5,
          seed: 7,
          logprobs: true,
          response_format: { type: 'json_object' },
        },
        { drop_unsupported_params: true },
      ),
    );
    expect(response.headers?.['x-switchyard-dropped-params']).toBe('seed, logprobs, response_format');
    expect(h.fake.requests[0]!.json).toEqual({
      model: 'upstream-model',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('answers 400 naming the field for malformed tool-call arguments and unknown roles', async () => {
    const bad = await rejection(
      h.provider.handle(
        providerRequest('chat.completions', {
          max_tokens: 5,
          messages: [
            {
              role: 'assistant',
              tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{oops' } }],
            },
          ],
        }),
      ),
    );
    expect(bad.param).toBe('messages[0].tool_calls[0].function.arguments');
    const role = await rejection(
      h.provider.handle(
        providerRequest('chat.completions', {
          max_tokens: 5,
          messages: [{ role: 'function', name: 'f', content: 'x' }],
        }),
      ),
    );
    expect(role.param).toBe('messages[0].role');
  });
});
