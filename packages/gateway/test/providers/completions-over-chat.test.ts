import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicConfigSchema } from '../../src/providers/anthropic/config.js';
import { AnthropicProvider } from '../../src/providers/anthropic/provider.js';
import { GeminiConfigSchema } from '../../src/providers/gemini/config.js';
import { GeminiProvider } from '../../src/providers/gemini/provider.js';
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from '../support/fake-upstream.js';
import { drainChunks, jsonBody, providerRequest } from '../support/provider-request.js';

let fake: FakeUpstream;
let anthropic: AnthropicProvider;
let gemini: GeminiProvider;

/** Anthropic answers each call with the prompt it got, so tests can see which call fed which choice. */
function echoMessage(req: RecordedRequest) {
  const prompt = (req.json as { messages: { content: string }[] }).messages[0]!.content;
  return {
    json: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: `re:${prompt}` }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 2 },
    },
  };
}

function echoStream(req: RecordedRequest) {
  const prompt = (req.json as { messages: { content: string }[] }).messages[0]!.content;
  const events = [
    [
      'message_start',
      { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3, output_tokens: 1 } } },
    ],
    [
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ],
    [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `re:${prompt}` } },
    ],
    [
      'message_delta',
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 2 } },
    ],
    ['message_stop', { type: 'message_stop' }],
  ];
  return {
    text: events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join(''),
    headers: { 'content-type': 'text/event-stream' },
  };
}

beforeAll(async () => {
  fake = await startFakeUpstream();
  anthropic = new AnthropicProvider(
    'claude',
    AnthropicConfigSchema.parse({ type: 'anthropic', base_url: `${fake.url}/v1` }),
  );
  gemini = new GeminiProvider(
    'google',
    GeminiConfigSchema.parse({ type: 'gemini', base_url: `${fake.url}/v1beta` }),
  );
});
afterAll(async () => {
  await anthropic.close();
  await gemini.close();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.route('POST /v1/messages', (req) =>
    (req.json as { stream?: boolean }).stream ? echoStream(req) : echoMessage(req),
  );
});

describe('legacy /v1/completions emulated on chat-only providers', () => {
  it('anthropic: one user turn per prompt, n calls per prompt, choices numbered prompt-major, usage summed', async () => {
    const body = jsonBody(
      await anthropic.handle(
        providerRequest('completions', {
          model: 'claude',
          prompt: ['a', 'b'],
          n: 2,
          max_tokens: 8,
          temperature: 0.2,
          stop: '\n',
        }),
      ),
    );
    expect(fake.requests).toHaveLength(4);
    for (const req of fake.requests) {
      expect(req.json).toEqual({
        model: 'upstream-model',
        max_tokens: 8,
        temperature: 0.2,
        stop_sequences: ['\n'],
        messages: [
          { role: 'user', content: (req.json as { messages: { content: string }[] }).messages[0]!.content },
        ],
      });
    }
    expect(body).toEqual({
      id: expect.stringMatching(/^cmpl-/),
      object: 'text_completion',
      created: expect.any(Number),
      model: 'claude',
      choices: [
        { index: 0, text: 're:a', logprobs: null, finish_reason: 'stop' },
        { index: 1, text: 're:a', logprobs: null, finish_reason: 'stop' },
        { index: 2, text: 're:b', logprobs: null, finish_reason: 'stop' },
        { index: 3, text: 're:b', logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
    });
  });

  it('anthropic stream: text_completion chunks per choice, finish per choice, one summed usage chunk last', async () => {
    const { chunks, error } = await drainChunks(
      await anthropic.handle(
        providerRequest('completions', {
          model: 'claude',
          prompt: ['a', 'b'],
          max_tokens: 8,
          stream: true,
          stream_options: { include_usage: true },
        }),
      ),
    );
    expect(error).toBeUndefined();
    for (const req of fake.requests) expect(req.json).toMatchObject({ stream: true });
    const byChoice = (i: number) =>
      chunks
        .filter((c) => (c.choices as { index: number }[])[0]?.index === i)
        .map((c) => (c.choices as unknown[])[0]);
    expect(byChoice(0)).toEqual([
      { index: 0, text: 're:a', logprobs: null, finish_reason: null },
      { index: 0, text: '', logprobs: null, finish_reason: 'length' },
    ]);
    expect(byChoice(1)).toEqual([
      { index: 1, text: 're:b', logprobs: null, finish_reason: null },
      { index: 1, text: '', logprobs: null, finish_reason: 'length' },
    ]);
    expect(chunks.at(-1)).toMatchObject({
      object: 'text_completion',
      choices: [],
      usage: { prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 },
    });
    expect(chunks).toHaveLength(5);
  });

  it('gemini: n → candidateCount in one call per prompt', async () => {
    fake.route('POST /v1beta/models/upstream-model:generateContent', {
      json: {
        candidates: [
          { index: 0, finishReason: 'STOP', content: { role: 'model', parts: [{ text: 'x' }] } },
          { index: 1, finishReason: 'MAX_TOKENS', content: { role: 'model', parts: [{ text: 'y' }] } },
        ],
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2, totalTokenCount: 4 },
      },
    });
    const body = jsonBody(await gemini.handle(providerRequest('completions', { prompt: 'p', n: 2 })));
    expect(fake.requests.map((r) => r.json)).toEqual([
      { contents: [{ role: 'user', parts: [{ text: 'p' }] }], generationConfig: { candidateCount: 2 } },
    ]);
    expect(body.choices).toEqual([
      { index: 0, text: 'x', logprobs: null, finish_reason: 'stop' },
      { index: 1, text: 'y', logprobs: null, finish_reason: 'length' },
    ]);
  });

  it('logprobs, echo, suffix and token prompts → 400 naming the field, with no upstream call', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ prompt: 'p', logprobs: 2 }, 'logprobs'],
      [{ prompt: 'p', echo: true }, 'echo'],
      [{ prompt: 'p', suffix: 'end' }, 'suffix'],
      [{ prompt: [[1, 2, 3]] }, 'prompt'],
      [{ prompt: [] }, 'prompt'],
    ];
    for (const provider of [anthropic, gemini]) {
      for (const [body, param] of cases) {
        const error = await provider
          .handle(providerRequest('completions', { max_tokens: 4, ...body }))
          .catch((e: unknown) => e);
        expect(error, `${provider.type} ${param}`).toMatchObject({ status: 400, param });
      }
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('drop_unsupported_params drops logprobs and reports it', async () => {
    const response = await anthropic.handle(
      providerRequest(
        'completions',
        { prompt: 'p', max_tokens: 4, logprobs: 2, seed: 3 },
        { drop_unsupported_params: true },
      ),
    );
    expect(response.headers?.['x-switchyard-dropped-params']).toBe('logprobs, seed');
    expect(fake.requests[0]!.json).toEqual({
      model: 'upstream-model',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'p' }],
    });
  });
});
