/**
 * End to end through the official `openai` SDK against a real gateway process whose `anthropic` and `gemini`
 * providers point at a fake upstream replaying the transcripts in test/fixtures/{anthropic,gemini}/ (hand-written
 * from the providers' docs; each folder's SOURCES.md names the example). The scenario is chosen by the last user
 * message (`scenario:<name>`).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Per scenario: the Anthropic and Gemini answers, streamed or not. */
const SCENARIOS: Record<string, { anthropic: [FakeRoute, FakeRoute]; gemini: [FakeRoute, FakeRoute] }> = {
  text: {
    anthropic: [{ fixture: 'anthropic/text.json' }, { fixture: 'anthropic/text.sse' }],
    gemini: [{ fixture: 'gemini/text.json' }, { fixture: 'gemini/text.sse' }],
  },
  tools: {
    anthropic: [{ fixture: 'anthropic/tool-use.json' }, { fixture: 'anthropic/parallel-tools.sse' }],
    gemini: [{ fixture: 'gemini/text.json' }, { fixture: 'gemini/parallel-tools.sse' }],
  },
  'mid-stream-error': {
    anthropic: [{ fixture: 'anthropic/text.json' }, { fixture: 'anthropic/error-mid-stream.sse' }],
    gemini: [{ fixture: 'gemini/text.json' }, { fixture: 'gemini/error-mid-stream.sse' }],
  },
  'bad-key': {
    anthropic: Array(2).fill({ status: 401, fixture: 'anthropic/error-authentication.json' }) as [
      FakeRoute,
      FakeRoute,
    ],
    gemini: Array(2).fill({ status: 400, fixture: 'gemini/error-api-key.json' }) as [FakeRoute, FakeRoute],
  },
  quota: {
    anthropic: Array(2).fill({
      status: 429,
      fixture: 'anthropic/error-rate-limit.json',
      headers: { 'retry-after': '1' },
    }) as [FakeRoute, FakeRoute],
    gemini: Array(2).fill({
      status: 429,
      fixture: 'gemini/error-quota.json',
      headers: { 'retry-after': '1' },
    }) as [FakeRoute, FakeRoute],
  },
  overloaded: {
    anthropic: Array(2).fill({ status: 529, fixture: 'anthropic/error-overloaded.json' }) as [
      FakeRoute,
      FakeRoute,
    ],
    gemini: Array(2).fill({
      status: 503,
      json: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
    }) as [FakeRoute, FakeRoute],
  },
};

function scenarioOf(req: RecordedRequest): string {
  const json = req.json as { messages?: { content: unknown }[]; contents?: { parts: { text?: string }[] }[] };
  const last = json.messages?.at(-1)?.content ?? json.contents?.at(-1)?.parts[0]?.text;
  const text = typeof last === 'string' ? last : JSON.stringify(last);
  return /scenario:([\w-]+)/.exec(text)?.[1] ?? 'text';
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/messages': (req) =>
      SCENARIOS[scenarioOf(req)]!.anthropic[(req.json as { stream?: boolean }).stream ? 1 : 0],
    'POST /v1beta/models/gemini-2.5-flash:generateContent': (req) => SCENARIOS[scenarioOf(req)]!.gemini[0],
    'POST /v1beta/models/gemini-2.5-flash:streamGenerateContent': (req) =>
      SCENARIOS[scenarioOf(req)]!.gemini[1],
    'POST /v1beta/models/gemini-embedding-001:batchEmbedContents': { fixture: 'gemini/batch-embed.json' },
  });
  gateway = await startGatewayProcess({
    providers: {
      claude: {
        type: 'anthropic',
        base_url: `${upstream.url}/v1`,
        api_key: 'sk-ant-secret',
        default_max_tokens: 1024,
      },
      google: { type: 'gemini', base_url: `${upstream.url}/v1beta`, api_key: 'AIza-secret' },
    },
    // Scenarios share one deployment per model: circuit breaking is off (`cooldown: 0`) so that one
    // scenario's 429 or 503 does not cool the deployment down for the next.
    models: [
      { id: 'claude', cooldown: 0, deployments: [{ provider: 'claude', model: 'claude-sonnet-4-5' }] },
      {
        id: 'claude-lax',
        cooldown: 0,
        deployments: [{ provider: 'claude', model: 'claude-sonnet-4-5' }],
        drop_unsupported_params: true,
      },
      { id: 'gemini', cooldown: 0, deployments: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
      {
        id: 'gemini-embed',
        cooldown: 0,
        deployments: [{ provider: 'google', model: 'gemini-embedding-001' }],
      },
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const lastUpstream = () => upstream.requests.at(-1)!;
const user = (content: string) => [{ role: 'user' as const, content }];

describe.each(['claude', 'gemini'])('%s through the openai SDK', (model) => {
  it('chat', async () => {
    const res = await client.chat.completions.create({ model, messages: user('Weather in Oslo?') });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe(model);
    expect(res.choices[0]!.message.content).toBe('It is 14°C in Oslo.');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it('stream with usage: content deltas, finish chunk, then a usage chunk with empty choices', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: user('Weather in Oslo?'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('It is 14°C in Oslo.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({
      prompt_tokens: model === 'claude' ? 21 : 31,
      completion_tokens: 9,
    });
  });

  it('tool round trip: two parallel calls streamed, accumulated by the SDK, results sent back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'lookup_city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const runner = client.chat.completions.stream({
      model,
      messages: user('scenario:tools Oslo and Rome?'),
      tools,
    });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toHaveLength(2);
    const calls = message.tool_calls! as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual([{ city: 'Oslo' }, { city: 'Rome' }]);
    expect(calls[0]!.id).not.toBe(calls[1]!.id);

    const followUp = await client.chat.completions.create({
      model,
      tools,
      messages: [
        ...user('Oslo and Rome?'),
        message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: calls[0]!.id, content: '14°C' },
        { role: 'tool', tool_call_id: calls[1]!.id, content: '25°C' },
      ],
    });
    expect(followUp.choices[0]!.message.content).toBe('It is 14°C in Oslo.');
    const sent = lastUpstream().json as Record<string, unknown>;
    if (model === 'claude') {
      expect((sent.messages as unknown[]).slice(1)).toEqual([
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: calls[0]!.id, name: 'lookup_city', input: { city: 'Oslo' } },
            { type: 'tool_use', id: calls[1]!.id, name: 'lookup_city', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: calls[0]!.id, content: '14°C' },
            { type: 'tool_result', tool_use_id: calls[1]!.id, content: '25°C' },
          ],
        },
      ]);
    } else {
      expect((sent.contents as unknown[]).slice(1)).toEqual([
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'lookup_city', args: { city: 'Oslo' } },
              thoughtSignature: 'EpYBCpMBAcu98PA1',
            },
            { functionCall: { name: 'lookup_city', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'lookup_city', response: { output: '14°C' } } },
            { functionResponse: { name: 'lookup_city', response: { output: '25°C' } } },
          ],
        },
      ]);
    }
  });

  it('images: a data URL reaches the provider as base64 image data', async () => {
    await client.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    const sent = JSON.stringify(lastUpstream().json);
    expect(sent).toContain(
      model === 'claude'
        ? JSON.stringify({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } })
        : JSON.stringify({ inlineData: { mimeType: 'image/png', data: PNG } }),
    );
  });

  it('json_schema response_format is translated', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    await client.chat.completions.create({
      model,
      messages: user('Answer as JSON'),
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    const sent = lastUpstream().json as Record<string, unknown>;
    if (model === 'claude') expect(sent.output_config).toEqual({ format: { type: 'json_schema', schema } });
    else
      expect(sent.generationConfig).toEqual({
        responseMimeType: 'application/json',
        responseJsonSchema: schema,
      });
  });

  it('legacy completions with a prompt array', async () => {
    const res = await client.completions.create({ model, prompt: ['one', 'two'], max_tokens: 20 });
    expect(res.object).toBe('text_completion');
    expect(res.choices.map((c) => [c.index, c.text])).toEqual([
      [0, 'It is 14°C in Oslo.'],
      [1, 'It is 14°C in Oslo.'],
    ]);
  });

  it('errors: bad upstream key → 401, quota → 429, overload → 503, each with the OpenAI envelope', async () => {
    const cases: [string, new (...args: never[]) => Error, number][] = [
      ['bad-key', OpenAI.AuthenticationError, 401],
      ['quota', OpenAI.RateLimitError, 429],
      ['overloaded', OpenAI.InternalServerError, 503],
    ];
    for (const [scenario, ErrorClass, status] of cases) {
      for (const stream of [false, true]) {
        const error = await client.chat.completions
          .create({ model, messages: user(`scenario:${scenario}`), stream })
          .then(async (r) => {
            if (stream) for await (const _ of r as AsyncIterable<unknown>);
          })
          .catch((e: unknown) => e);
        expect(error, `${scenario} stream=${stream}`).toBeInstanceOf(ErrorClass);
        expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
        expect((error as InstanceType<typeof OpenAI.APIError>).message.length).toBeGreaterThan(0);
      }
    }
  });

  it('an upstream error mid-stream reaches the SDK as an error after the first deltas', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: user('scenario:mid-stream-error'),
      stream: true,
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(seen.join('')).toBe('It is');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toMatch(/overloaded/i);
  });

  it('a parameter the provider cannot honour → 400 naming it', async () => {
    const error = await client.chat.completions
      .create({ model, messages: user('hi'), logprobs: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('logprobs');
  });
});

describe('provider-specific behaviour end to end', () => {
  it('anthropic: temperature above 1 → 400 naming temperature; provider default_max_tokens is sent', async () => {
    const error = await client.chat.completions
      .create({ model: 'claude', messages: user('hi'), temperature: 1.5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    await client.chat.completions.create({ model: 'claude', messages: user('hi') });
    const sent = lastUpstream();
    expect((sent.json as { max_tokens: number }).max_tokens).toBe(1024);
    expect(sent.headers['x-api-key']).toBe('sk-ant-secret');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(JSON.stringify(sent.headers)).not.toContain('client-key');
  });

  it('anthropic: drop_unsupported_params on the model drops seed and reports it in a header', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'claude-lax', messages: user('hi'), seed: 7 })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('It is 14°C in Oslo.');
    expect(response.headers.get('x-switchyard-dropped-params')).toBe('seed');
    expect(lastUpstream().json).not.toHaveProperty('seed');
  });

  it('gemini: embeddings through the SDK (which asks for base64) decode to the upstream vectors', async () => {
    const res = await client.embeddings.create({ model: 'gemini-embed', input: ['a', 'b'] });
    expect(res.data.map((d) => d.embedding)).toEqual([
      [0.25, 0.5, 0.75],
      [-0.25, -0.5, -0.75],
    ]);
    expect(lastUpstream().headers['x-goog-api-key']).toBe('AIza-secret');
  });
});
