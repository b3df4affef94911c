/**
 * End to end: the unmodified `ollama` npm package (ollama-js) → a real `switchyard serve` process → `/api/chat`
 * and `/api/generate` → the embedded engine running the shared GGUF models.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const STORIES = 'stories260K';
const GREEDY = { temperature: 0, seed: 7 };

let gateway: GatewayProcess;
let ollama: Ollama;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
  });
  ollama = new Ollama({ host: gateway.url });
});

afterAll(async () => {
  await gateway?.stop();
});

function expectMetrics(answer: {
  total_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
  load_duration: number;
}) {
  expect(answer.prompt_eval_count).toBeGreaterThan(5);
  for (const ns of [answer.total_duration, answer.prompt_eval_duration, answer.eval_duration]) {
    expect(Number.isInteger(ns)).toBe(true);
    expect(ns).toBeGreaterThanOrEqual(0);
  }
  expect(answer.total_duration).toBeGreaterThan(0);
  expect(answer.total_duration).toBeGreaterThanOrEqual(
    answer.prompt_eval_duration + answer.eval_duration - 1,
  );
  expect(answer.load_duration).toBe(0);
}

describe('ollama.chat()', () => {
  it('answers whole with stream:false: message, done_reason length at num_predict, counts and ns durations', async () => {
    const answer = await ollama.chat({
      model: QWEN,
      stream: false,
      messages: [
        { role: 'system', content: 'You tell stories.' },
        { role: 'user', content: 'Tell me a story about a cat.' },
      ],
      options: { num_predict: 6, ...GREEDY },
      keep_alive: '5m',
    });
    expect(answer.model).toBe(QWEN);
    expect(answer.done).toBe(true);
    expect(answer.done_reason).toBe('length');
    expect(answer.message.role).toBe('assistant');
    expect(answer.message.content.length).toBeGreaterThan(0);
    expect(answer.eval_count).toBe(6);
    expect(Number.isNaN(Date.parse(answer.created_at as unknown as string))).toBe(false);
    expectMetrics(answer);
  });

  it('streams NDJSON by default: the same text in message deltas, then one done line with the metrics', async () => {
    const request = {
      model: QWEN,
      messages: [{ role: 'user', content: 'Tell me a story about a dog.' }],
      options: { num_predict: 10, ...GREEDY },
    };
    const whole = await ollama.chat({ ...request, stream: false });
    const parts = [];
    for await (const part of await ollama.chat({ ...request, stream: true })) parts.push(part);
    const last = parts.at(-1)!;
    expect(parts.slice(0, -1).every((p) => p.done === false && p.message.role === 'assistant')).toBe(true);
    expect(parts.length).toBeGreaterThan(2);
    expect(last.done).toBe(true);
    expect(last.done_reason).toBe('length');
    expect(last.message.content).toBe('');
    expect(last.eval_count).toBe(10);
    expect(parts.map((p) => p.message.content).join('')).toBe(whole.message.content);
    expect(last.prompt_eval_count).toBe(whole.prompt_eval_count);
    expectMetrics(last);
  });

  it('stops at an options.stop string with done_reason stop', async () => {
    const whole = await ollama.chat({
      model: QWEN,
      stream: false,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      options: { num_predict: 12, ...GREEDY },
    });
    const word = whole.message.content.trim().split(/\s+/)[1]!;
    const stopped = await ollama.chat({
      model: QWEN,
      stream: false,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      options: { num_predict: 12, stop: [word], ...GREEDY },
    });
    expect(stopped.done_reason).toBe('stop');
    expect(stopped.message.content).not.toContain(word);
    expect(whole.message.content.startsWith(stopped.message.content)).toBe(true);
  });

  it('answers JSON matching format when it is a JSON Schema', async () => {
    const answer = await ollama.chat({
      model: QWEN,
      stream: false,
      messages: [{ role: 'user', content: 'Name a city.' }],
      format: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 8 } },
        required: ['city'],
        additionalProperties: false,
      },
      options: { num_predict: 60 },
    });
    const parsed = JSON.parse(answer.message.content) as { city: unknown };
    expect(typeof parsed.city).toBe('string');
    expect(Object.keys(parsed)).toEqual(['city']);
  });

  it('takes a tool turn: assistant tool_calls with object arguments and the tool result by tool_name', async () => {
    const answer = await ollama.chat({
      model: QWEN,
      stream: false,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
        },
        { role: 'tool', tool_name: 'get_weather', content: '14 °C' },
      ],
      options: { num_predict: 4 },
    });
    expect(answer.done_reason).toBe('length');
    expect(answer.eval_count).toBe(4);
  });

  it('loads the model for an empty messages list: done_reason load', async () => {
    const answer = await ollama.chat({ model: STORIES, messages: [], stream: false });
    expect(answer).toMatchObject({ model: STORIES, done: true, done_reason: 'load' });
    expect(answer.message).toEqual({ role: 'assistant', content: '' });
  });
});

describe('ollama.generate()', () => {
  it('templates the prompt and system when not raw; raw sends the prompt as is', async () => {
    const templated = await ollama.generate({
      model: QWEN,
      prompt: 'Tell me a story.',
      system: 'You tell stories.',
      stream: false,
      options: { num_predict: 5, ...GREEDY },
    });
    const raw = await ollama.generate({
      model: QWEN,
      prompt: 'Tell me a story.',
      raw: true,
      stream: false,
      options: { num_predict: 5, ...GREEDY },
    });
    expect(templated.done_reason).toBe('length');
    expect(templated.response?.length).toBeGreaterThan(0);
    expect(raw.eval_count).toBe(5);
    // the template and system message add their tokens to the prompt
    expect(templated.prompt_eval_count).toBeGreaterThan(raw.prompt_eval_count + 5);
    expectMetrics(templated);
  });

  it('streams response deltas and a done line; the text equals the whole answer', async () => {
    const request = {
      model: STORIES,
      prompt: 'Once upon a time',
      raw: true,
      options: { num_predict: 8, ...GREEDY },
    };
    const whole = await ollama.generate({ ...request, stream: false });
    const parts = [];
    for await (const part of await ollama.generate({ ...request, stream: true })) parts.push(part);
    const last = parts.at(-1)!;
    expect(last).toMatchObject({ done: true, done_reason: 'length', eval_count: 8, response: '' });
    expect(parts.map((p) => p.response).join('')).toBe(whole.response);
  });

  it('loads the model for an empty prompt: done_reason load, streamed as one line too', async () => {
    const whole = await ollama.generate({ model: STORIES, prompt: '', stream: false });
    expect(whole).toMatchObject({ model: STORIES, response: '', done: true, done_reason: 'load' });
    const parts = [];
    for await (const part of await ollama.generate({ model: STORIES, prompt: '', stream: true }))
      parts.push(part);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ done: true, done_reason: 'load' });
  });
});

describe('errors in Ollama shape', () => {
  it("404 model 'x' not found for chat, generate and a load of an unknown model", async () => {
    for (const call of [
      () => ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
      () => ollama.generate({ model: 'nope', prompt: 'Hi', stream: false }),
      () => ollama.generate({ model: 'nope', prompt: '', stream: false }),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as { status_code: number; error: string };
      expect(err.status_code).toBe(404);
      expect(err.error).toBe("model 'nope' not found");
    }
  });

  it('400 for a missing model, a wrong-typed option, a bad role and a non-empty context', async () => {
    const cases: [unknown, string][] = [
      [{ messages: [] }, 'model'],
      [
        { model: QWEN, messages: [{ role: 'user', content: 'Hi' }], options: { num_predict: 'x' } },
        'num_predict',
      ],
      [{ model: QWEN, messages: [{ role: 'robot', content: 'Hi' }] }, 'role'],
    ];
    for (const [body, word] of cases) {
      const res = await fetch(`${gateway.url}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string };
      expect(Object.keys(json)).toEqual(['error']);
      expect(json.error).toContain(word);
    }
    const err = (await ollama
      .generate({ model: QWEN, prompt: 'Hi', context: [1, 2, 3], stream: false })
      .catch((e: unknown) => e)) as { status_code: number; error: string };
    expect(err.status_code).toBe(400);
    expect(err.error).toContain('context');
  });
});
