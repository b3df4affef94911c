import { describe, expect, it } from 'vitest';
import type { UpstreamError } from '../../src/core/errors.js';
import { jsonBody, providerRequest } from '../support/provider-request.js';
import { rejection } from '../support/rejections.js';
import { GEMINI_GENERATE, useGeminiHarness } from '../support/translated-provider-harness.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const h = useGeminiHarness();

const chat = (body: Record<string, unknown>, options = {}) =>
  h.provider.handle(
    providerRequest('chat.completions', { model: 'flash', ...body }, options, 'gemini-2.5-flash'),
  );

// Gemini API reference, Generating content: https://ai.google.dev/api/generate-content
describe('gemini request mapping', () => {
  it('maps system, roles, parts, function calls/responses by name, tools and generationConfig exactly', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    await chat({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Oslo and Rome?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'lookup_city', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_b', type: 'function', function: { name: 'lookup_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '14°C, cloudy' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: 'sunny' }] },
        { role: 'user', content: 'Summarise.' },
      ],
      max_tokens: 256,
      temperature: 0.7,
      top_p: 0.95,
      top_k: 40,
      n: 2,
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      stop: ['END', 'STOP'],
      response_format: { type: 'json_schema', json_schema: { name: 'w', schema } },
      tools: [
        {
          type: 'function',
          function: { name: 'lookup_city', description: 'Weather for a city', parameters: schema },
        },
        { type: 'function', function: { name: 'lookup_weather' } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup_city' } },
    });
    expect(h.fake.requests).toHaveLength(1);
    const sent = h.fake.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('AIza-test');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.json).toEqual({
      systemInstruction: { parts: [{ text: 'You are terse.\n\nUse metric units.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Weather in Oslo and Rome?' },
            { inlineData: { mimeType: 'image/png', data: PNG } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          ],
        },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'lookup_city', args: { city: 'Oslo' } } },
            { functionCall: { name: 'lookup_weather', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'lookup_city', response: { output: '14°C, cloudy' } } },
            { functionResponse: { name: 'lookup_weather', response: { output: 'sunny' } } },
          ],
        },
        { role: 'user', parts: [{ text: 'Summarise.' }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'lookup_city', description: 'Weather for a city', parametersJsonSchema: schema },
            { name: 'lookup_weather' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup_city'] } },
      generationConfig: {
        temperature: 0.7,
        topP: 0.95,
        topK: 40,
        candidateCount: 2,
        seed: 42,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        maxOutputTokens: 256,
        stopSequences: ['END', 'STOP'],
        responseMimeType: 'application/json',
        responseJsonSchema: schema,
      },
    });
  });

  it('sends nothing the client did not send (no generationConfig at all for a bare request)', async () => {
    await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(h.fake.requests[0]!.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('accepts the fields that ask nothing of the model and sends none of them', async () => {
    await chat({
      messages: [{ role: 'user', content: 'hi' }],
      user: 'u-1',
      safety_identifier: 's-1',
      metadata: { app: 'a' },
      store: true,
      prompt_cache_key: 'k-1',
      service_tier: 'auto',
      stream_options: { include_usage: true },
    });
    expect(h.fake.requests[0]!.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('maps tool_choice strings and json_object', async () => {
    for (const [choice, mode] of [
      ['auto', 'AUTO'],
      ['none', 'NONE'],
      ['required', 'ANY'],
    ] as const) {
      h.fake.requests.length = 0;
      await chat({
        messages: [{ role: 'user', content: 'hi' }],
        tool_choice: choice,
        response_format: { type: 'json_object' },
      });
      expect(h.fake.requests[0]!.json).toMatchObject({
        toolConfig: { functionCallingConfig: { mode } },
        generationConfig: { responseMimeType: 'application/json' },
      });
    }
  });

  it('rejects what Gemini cannot honour with 400 naming the field, or drops it and reports it', async () => {
    const base = { messages: [{ role: 'user', content: 'hi' }] };
    const cases: [Record<string, unknown>, string][] = [
      [{ logprobs: true }, 'logprobs'],
      [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
      [{ parallel_tool_calls: false }, 'parallel_tool_calls'],
      [{ reasoning_effort: 'low' }, 'reasoning_effort'],
      [{ tools: [{ type: 'function', function: { name: 'f', strict: true } }] }, 'tools[0].function.strict'],
      [
        {
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
            },
          ],
        },
        'messages[0].content[0].image_url.url',
      ],
    ];
    for (const [extra, param] of cases) {
      const error = await rejection(chat({ ...base, ...extra }));
      expect(error.status, param).toBe(400);
      expect(error.param).toBe(param);
    }
    expect(h.fake.requests).toHaveLength(0);
    const response = await chat(
      { ...base, logprobs: true, tools: [{ type: 'function', function: { name: 'f', strict: true } }] },
      { drop_unsupported_params: true },
    );
    expect(response.headers?.['x-switchyard-dropped-params']).toBe('logprobs, tools[0].function.strict');
    expect(h.fake.requests[0]!.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
    });
  });

  it('answers 400 for a tool message whose tool_call_id matches no earlier call', async () => {
    const error = await rejection(
      chat({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'nope', content: 'x' },
        ],
      }),
    );
    expect(error.param).toBe('messages[1].tool_call_id');
  });

  it('maps the response: text, usage with thoughts, finish_reason', async () => {
    const body = jsonBody(await chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(body).toEqual({
      id: 'mAitaLm',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'It is 14°C in Oslo.', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 31,
        completion_tokens: 129,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 120 },
      },
    });
  });

  it('a blocked prompt gives finish_reason content_filter', async () => {
    h.fake.route(GEMINI_GENERATE, { fixture: 'gemini/prompt-blocked.json' });
    const body = jsonBody(await chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
  });

  it('re-attaches the thoughtSignature of a function call on the next turn', async () => {
    h.fake.route(GEMINI_GENERATE, {
      json: {
        candidates: [
          {
            index: 0,
            finishReason: 'STOP',
            content: {
              role: 'model',
              parts: [
                { functionCall: { name: 'lookup_city', args: { city: 'Oslo' } }, thoughtSignature: 'SIG-1' },
              ],
            },
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
      },
    });
    const first = jsonBody(
      await chat({
        messages: [{ role: 'user', content: 'Oslo?' }],
        tools: [{ type: 'function', function: { name: 'lookup_city' } }],
      }),
    );
    const choice = (
      first.choices as {
        message: { tool_calls: { id: string; function: { arguments: string } }[] };
        finish_reason: string;
      }[]
    )[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls[0]!;
    expect(call.id).toMatch(/^call_/);
    expect(call.function.arguments).toBe('{"city":"Oslo"}');
    h.fake.route(GEMINI_GENERATE, { fixture: 'gemini/text.json' });
    await chat({
      messages: [
        { role: 'user', content: 'Oslo?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '14°C' },
      ],
    });
    expect((h.fake.requests[1]!.json as { contents: unknown[] }).contents[1]).toEqual({
      role: 'model',
      parts: [{ functionCall: { name: 'lookup_city', args: { city: 'Oslo' } }, thoughtSignature: 'SIG-1' }],
    });
  });

  it('maps errors: bad key → 401, quota → 429 with retry-after, unknown model → 404', async () => {
    const cases: [string, number, number, string][] = [
      ['gemini/error-api-key.json', 400, 401, 'authentication_error'],
      ['gemini/error-quota.json', 429, 429, 'rate_limit_error'],
      ['gemini/error-not-found.json', 404, 404, 'not_found_error'],
    ];
    for (const [fixture, upstream, status, type] of cases) {
      h.fake.route(GEMINI_GENERATE, { fixture, status: upstream, headers: { 'retry-after': '3' } });
      const error = await rejection(chat({ messages: [{ role: 'user', content: 'hi' }] }));
      expect(error.status).toBe(status);
      expect(error.toBody().error).toMatchObject({ type, param: null });
      expect(error.toBody().error.message.length).toBeGreaterThan(0);
      expect(error.headers['retry-after']).toBe('3');
    }
  });

  it("keeps Google's status in the message of an error mapped to OpenAI's type", async () => {
    h.fake.route(GEMINI_GENERATE, { fixture: 'gemini/error-quota.json', status: 429 });
    const error = await rejection(chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.toBody().error).toMatchObject({
      type: 'rate_limit_error',
      message: 'Resource has been exhausted (e.g. check quota). (RESOURCE_EXHAUSTED)',
    });
  });

  it('takes a 429 retry delay from the google.rpc.RetryInfo detail when no Retry-After header is sent', async () => {
    // The body shape Google documents for quota errors (Google Cloud API design guide, "Errors", details:
    // RetryInfo; Gemini API "Rate limits"): no Retry-After header, the delay in details[].retryDelay.
    h.fake.route(GEMINI_GENERATE, {
      status: 429,
      json: {
        error: {
          code: 429,
          message: 'You exceeded your current quota, please check your plan and billing details.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaId: 'PerMinute' }],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
          ],
        },
      },
    });
    const error = (await rejection(chat({ messages: [{ role: 'user', content: 'hi' }] }))) as UpstreamError;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.headers['retry-after']).toBe('7');
    expect(error.type).toBe('rate_limit_error');
  });
});
