/**
 * End to end: the unmodified `ollama` npm package → a real `switchyard serve` process → `/api/chat` and
 * `/api/generate` → an OpenAI-compatible upstream (the fake upstream replaying the OpenAI transcripts of
 * test/fixtures/anthropic-ingress/, streams one byte at a time). Proves the canonical request the upstream
 * receives (every mapped option, format, think, tools, images) and the Ollama answer: tool calls with object
 * arguments, thinking, done reasons, counts from usage, a mid-stream error line and upstream statuses.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const DIR = 'anthropic-ingress';
/** A 1×1 PNG, base64 (as Ollama clients send images). */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function chatRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  const stream = body.stream === true;
  const status = /^status-(\d+)$/.exec(body.model)?.[1];
  if (status) {
    return {
      status: Number(status),
      json: { error: { message: `upstream says ${status}`, type: 'upstream_test', param: null, code: null } },
    };
  }
  if (body.model === 'tools') {
    return stream
      ? { fixture: `${DIR}/openai-parallel-tools.sse`, byteByByte: true }
      : { fixture: `${DIR}/openai-tool-call.json` };
  }
  if (body.model === 'text' && !stream) return { fixture: `${DIR}/openai-text.json` };
  return { fixture: `${DIR}/openai-${body.model}.sse`, byteByByte: true };
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let ollama: Ollama;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'POST /v1/chat/completions': chatRoute,
    // The text completion object, OpenAI API reference: https://platform.openai.com/docs/api-reference/completions/object
    'POST /v1/completions': {
      json: {
        id: 'cmpl-1',
        object: 'text_completion',
        created: 1764600000,
        model: 'text',
        choices: [{ index: 0, text: '):', logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
      },
    },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false } },
    models: [
      ...['text', 'tools', 'length', 'reasoning', 'error-mid-stream'].map((id) => ({
        id: `m-${id}`,
        deployments: [{ provider: 'up', model: id }],
      })),
      ...[400, 404, 503].map((s) => ({
        id: `m-${s}`,
        max_retries: 0,
        deployments: [{ provider: 'up', model: `status-${s}` }],
      })),
    ],
  });
  ollama = new Ollama({ host: gateway.url });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const lastBody = (): Any => upstream.requests.at(-1)!.json;

describe('request mapping', () => {
  it('sends every option by its canonical name, format as response_format, think false as reasoning_effort none', async () => {
    await ollama.chat({
      model: 'm-text',
      stream: false,
      format: { type: 'object', properties: { a: { type: 'string' } } },
      think: false,
      keep_alive: '10m',
      options: {
        num_predict: 50,
        temperature: 0.3,
        top_k: 20,
        top_p: 0.9,
        min_p: 0.05,
        stop: ['END'],
        seed: 42,
        num_ctx: 4096,
        repeat_penalty: 1.1,
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
        num_thread: 4,
        num_gpu: 99,
      },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: [PNG] },
      ],
    });
    expect(lastBody()).toEqual({
      model: 'text',
      stream: false,
      max_tokens: 50,
      temperature: 0.3,
      top_k: 20,
      top_p: 0.9,
      min_p: 0.05,
      stop: ['END'],
      seed: 42,
      num_ctx: 4096,
      repetition_penalty: 1.1,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      reasoning_effort: 'none',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'format', schema: { type: 'object', properties: { a: { type: 'string' } } } },
      },
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
  });

  it('maps tool history: object arguments to a JSON string, tool results to the call id; asks a stream for usage', async () => {
    const parts = await ollama.chat({
      model: 'm-text',
      stream: true,
      format: 'json',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
            { function: { name: 'get_time', arguments: { zone: 'CET' } } },
          ],
        },
        { role: 'tool', tool_name: 'get_weather', content: '14 °C' },
        { role: 'tool', tool_name: 'get_time', content: '12:00' },
      ],
    });
    for await (const _ of parts);
    const body = lastBody();
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    ]);
    expect(body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_0', content: '14 °C' },
      { role: 'tool', tool_call_id: 'call_1', content: '12:00' },
    ]);
  });

  it('sends a raw or suffixed generate as a text completion, a templated one as a chat turn', async () => {
    const fim = await ollama.generate({
      model: 'm-text',
      prompt: 'def f(',
      suffix: '    return 1',
      stream: false,
    });
    expect(fim).toMatchObject({ response: '):', done_reason: 'stop', prompt_eval_count: 9, eval_count: 2 });
    expect(upstream.requests.at(-1)!.path).toBe('/v1/completions');
    expect(lastBody()).toEqual({ model: 'text', prompt: 'def f(', suffix: '    return 1', stream: false });
    await ollama.generate({
      model: 'm-text',
      prompt: 'Hi',
      system: 'Be kind.',
      think: 'high',
      stream: false,
    });
    expect(upstream.requests.at(-1)!.path).toBe('/v1/chat/completions');
    expect(lastBody()).toEqual({
      model: 'text',
      stream: false,
      reasoning_effort: 'high',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });
});

describe('answers', () => {
  it('a whole tool call answer: arguments as an object, done_reason stop, counts from usage', async () => {
    const answer = await ollama.chat({
      model: 'm-tools',
      stream: false,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.message.content).toBe('Checking.');
    expect(answer.message.tool_calls).toEqual([
      { id: 'call_abc', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
    ]);
    expect(answer).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 50, eval_count: 20 });
  });

  it('streamed parallel tool calls arrive whole on one line, then the done line with usage', async () => {
    const parts = [];
    for await (const p of await ollama.chat({
      model: 'm-tools',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    })) {
      parts.push(p);
    }
    const withCalls = parts.filter((p) => p.message.tool_calls);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]!.message.tool_calls).toEqual([
      { id: 'call_oslo1', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
      { id: 'call_bergen2', function: { index: 1, name: 'get_weather', arguments: { city: 'Bergen' } } },
    ]);
    expect(parts.map((p) => p.message.content).join('')).toBe('Checking both.');
    expect(parts.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 88,
      eval_count: 41,
    });
  });

  it('reasoning_content deltas become message.thinking', async () => {
    const parts = [];
    for await (const p of await ollama.chat({
      model: 'm-reasoning',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    })) {
      parts.push(p);
    }
    expect(parts.map((p) => p.message.thinking ?? '').join('')).toBe('The user wants a greeting.');
    expect(parts.map((p) => p.message.content).join('')).toBe('Hello!');
  });

  it('finish_reason length is done_reason length', async () => {
    const parts = [];
    for await (const p of await ollama.chat({
      model: 'm-length',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    })) {
      parts.push(p);
    }
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: 'length' });
  });

  it('an upstream error after the first line ends the stream with an {"error"} line', async () => {
    const res = await fetch(`${gateway.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm-error-mid-stream', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Any);
    expect(lines[0].message.content).toBe('Partial');
    expect(lines.at(-1)).toEqual({ error: expect.stringContaining('CUDA out of memory') });
    expect(lines.some((l) => l.done === true)).toBe(false);
  });

  it('upstream statuses reach the client in Ollama shape', async () => {
    for (const status of [400, 404, 503]) {
      const err = (await ollama
        .chat({ model: `m-${status}`, messages: [{ role: 'user', content: 'Hi' }], stream: false })
        .catch((e: unknown) => e)) as { status_code: number; error: string };
      expect(err.status_code).toBe(status);
      expect(typeof err.error).toBe('string');
    }
  });
});
