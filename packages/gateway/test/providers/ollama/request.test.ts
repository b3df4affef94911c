import { describe, expect, it } from 'vitest';
import { chatRequest, embedRequest, generateRequest } from '../../../src/providers/ollama/request.js';
import { thrownBy } from '../../support/rejections.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

function chat(body: Record<string, unknown>, defaults?: Record<string, unknown>, stream = false) {
  return chatRequest({ body, model: 'llama3.2', stream, defaults });
}

const USER = [{ role: 'user', content: 'hi' }];

describe('chatRequest', () => {
  it('sends only what the client sent: model, messages and an explicit stream flag', () => {
    expect(chat({ model: 'alias', messages: USER })).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    expect(chat({ messages: USER }, undefined, true).stream).toBe(true);
  });

  it('maps sampling fields into options with Ollama names', () => {
    const out = chat({
      messages: USER,
      max_tokens: 50,
      stop: '###',
      seed: 7,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      repetition_penalty: 1.15,
    });
    expect(out.options).toEqual({
      num_predict: 50,
      stop: ['###'],
      seed: 7,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      repeat_penalty: 1.15,
    });
  });

  it('prefers max_completion_tokens over max_tokens and keeps stop arrays', () => {
    const out = chat({ messages: USER, max_tokens: 50, max_completion_tokens: 12, stop: ['a', 'b'] });
    expect(out.options).toEqual({ num_predict: 12, stop: ['a', 'b'] });
  });

  it('rejects a stop value that is neither a string nor an array of strings, naming stop', () => {
    const err = thrownBy(() => chat({ messages: USER, stop: 3 }));
    expect([err.status, err.param]).toEqual([400, 'stop']);
  });

  it('reaches Ollama-only knobs from extra body fields: options, num_ctx, keep_alive, think, truncate', () => {
    const out = chat({
      messages: USER,
      options: { num_ctx: 2048, mirostat: 0, temperature: 1 },
      num_ctx: 4096,
      temperature: 0.3,
      keep_alive: '10m',
      think: 'high',
      truncate: false,
    });
    expect(out.options).toEqual({ num_ctx: 4096, mirostat: 0, temperature: 0.3 });
    expect(out).toMatchObject({ keep_alive: '10m', think: 'high', truncate: false });
  });

  it('merges per-model defaults under the client request, the client winning key by key', () => {
    const defaults = {
      options: { num_ctx: 8192, top_k: 10 },
      keep_alive: -1,
      think: false,
      temperature: 0.1,
    };
    const out = chat({ messages: USER, top_k: 50, reasoning_effort: 'low' }, defaults);
    expect(out.options).toEqual({ num_ctx: 8192, top_k: 50, temperature: 0.1 });
    expect(out.keep_alive).toBe(-1);
    expect(out.think).toBe('low');
  });

  it('maps reasoning_effort and reasoning.effort to think with Ollama /v1 rules; explicit think wins', () => {
    expect(chat({ messages: USER, reasoning_effort: 'none' }).think).toBe(false);
    expect(chat({ messages: USER, reasoning_effort: 'minimal' }).think).toBe('low');
    expect(chat({ messages: USER, reasoning_effort: 'xhigh' }).think).toBe('max');
    expect(chat({ messages: USER, reasoning: { effort: 'medium' } }).think).toBe('medium');
    expect(chat({ messages: USER, reasoning_effort: 'high', think: true }).think).toBe(true);
    expect(thrownBy(() => chat({ messages: USER, reasoning_effort: 'extreme' })).param).toBe(
      'reasoning_effort',
    );
  });

  it('maps response_format: json_object → "json", json_schema → the schema, text → nothing', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    expect(chat({ messages: USER, response_format: { type: 'json_object' } }).format).toBe('json');
    expect(
      chat({
        messages: USER,
        response_format: { type: 'json_schema', json_schema: { name: 'c', schema, strict: true } },
      }).format,
    ).toEqual(schema);
    expect('format' in chat({ messages: USER, response_format: { type: 'text' } })).toBe(false);
    expect(thrownBy(() => chat({ messages: USER, response_format: { type: 'yaml' } })).param).toBe(
      'response_format',
    );
  });

  it('maps roles and content parts: developer → system, text parts joined, data-URL images → bare base64', () => {
    const out = chat({
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
            { type: 'text', text: 'One word.' },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is this?\nOne word.', images: [PNG, 'UklGRg=='] },
    ]);
  });

  it('rejects http image URLs and file parts with a 400 naming the part', () => {
    const http = thrownBy(() =>
      chat({
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
        ],
      }),
    );
    expect([http.status, http.param]).toEqual([400, 'messages[0].content[0].image_url.url']);
    expect(http.message).toMatch(/base64 data URL/);
    const file = thrownBy(() =>
      chat({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }] }),
    );
    expect(file.param).toBe('messages[0].content[0].type');
  });

  it('sends function tools unchanged (strict included) and leaves them out for tool_choice "none"', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
    ];
    expect(chat({ messages: USER, tools }).tools).toEqual(tools);
    expect('tools' in chat({ messages: USER, tools, tool_choice: 'none' })).toBe(false);
    expect(
      thrownBy(() => chat({ messages: USER, tools: [{ type: 'custom', custom: { name: 'x' } }] })).param,
    ).toBe('tools[0]');
  });

  it('turns tool-call history into Ollama form: arguments objects, tool_name found by tool_call_id', () => {
    const out = chat({
      messages: [
        { role: 'user', content: 'Weather in Tokyo and Paris?' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Two cities.',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
            },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '11 degrees' }] },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: 'Weather in Tokyo and Paris?' },
      {
        role: 'assistant',
        content: '',
        thinking: 'Two cities.',
        tool_calls: [
          { id: 'call_a', function: { name: 'get_weather', arguments: { city: 'Tokyo' } } },
          { id: 'call_b', function: { name: 'get_time', arguments: {} } },
        ],
      },
      { role: 'tool', content: '12:00', tool_call_id: 'call_b', tool_name: 'get_time' },
      { role: 'tool', content: '11 degrees', tool_call_id: 'call_a', tool_name: 'get_weather' },
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, naming the exact path', () => {
    const err = thrownBy(() =>
      chat({
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
        ],
      }),
    );
    expect([err.status, err.param]).toEqual([400, 'messages[0].tool_calls[0].function.arguments']);
  });

  it('rejects empty messages and unknown roles', () => {
    expect(thrownBy(() => chat({ messages: [] })).param).toBe('messages');
    expect(thrownBy(() => chat({ messages: [{ role: 'robot', content: 'x' }] })).param).toBe(
      'messages[0].role',
    );
  });

  it('passes logprobs and top_logprobs through', () => {
    expect(chat({ messages: USER, logprobs: true, top_logprobs: 3 })).toMatchObject({
      logprobs: true,
      top_logprobs: 3,
    });
  });
});

describe('generateRequest', () => {
  const gen = (body: Record<string, unknown>, defaults?: Record<string, unknown>) =>
    generateRequest({ body, model: 'qwen2.5-coder', stream: true, defaults });

  it('sends raw text prompts in raw mode, with mapped options', () => {
    expect(gen({ prompt: 'def fib(n):', max_tokens: 16, temperature: 0, stop: ['\n\n'] })).toEqual({
      model: 'qwen2.5-coder',
      prompt: 'def fib(n):',
      stream: true,
      raw: true,
      options: { num_predict: 16, temperature: 0, stop: ['\n\n'] },
    });
  });

  it('uses the template (raw: false) when a suffix asks for fill-in-the-middle; raw can be overridden', () => {
    expect(gen({ prompt: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))' })).toMatchObject({
      suffix: '\n\nprint(add(1, 2))',
      raw: false,
    });
    expect(gen({ prompt: 'x', raw: false }).raw).toBe(false);
    expect(gen({ prompt: 'x' }, { raw: false }).raw).toBe(false);
  });

  it('accepts a one-prompt array and rejects batches and token ids, naming prompt', () => {
    expect(gen({ prompt: ['only'] }).prompt).toBe('only');
    expect(thrownBy(() => gen({ prompt: ['a', 'b'] })).param).toBe('prompt');
    expect(thrownBy(() => gen({ prompt: [1, 2, 3] })).param).toBe('prompt');
  });

  it('maps legacy logprobs: N to logprobs: true, top_logprobs: N', () => {
    expect(gen({ prompt: 'x', logprobs: 2 })).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(thrownBy(() => gen({ prompt: 'x', logprobs: 50 })).param).toBe('logprobs');
  });
});

describe('embedRequest', () => {
  const embed = (body: Record<string, unknown>, defaults?: Record<string, unknown>) =>
    embedRequest({ body, model: 'all-minilm', stream: false, defaults });

  it('sends input, dimensions and Ollama knobs, but no sampling options', () => {
    expect(
      embed(
        { input: ['a', 'b'], dimensions: 2, encoding_format: 'base64', truncate: false, temperature: 1 },
        {
          keep_alive: '1m',
          num_ctx: 512,
        },
      ),
    ).toEqual({
      model: 'all-minilm',
      input: ['a', 'b'],
      dimensions: 2,
      truncate: false,
      keep_alive: '1m',
      options: { num_ctx: 512 },
    });
  });

  it('rejects empty input, token ids and unknown encodings', () => {
    expect(thrownBy(() => embed({ input: '' })).param).toBe('input');
    expect(thrownBy(() => embed({ input: [[1, 2]] })).param).toBe('input');
    expect(thrownBy(() => embed({ input: 'x', encoding_format: 'int8' })).param).toBe('encoding_format');
  });
});
