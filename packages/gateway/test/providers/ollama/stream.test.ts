import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { ndjsonValues } from '../../../src/providers/ollama/ndjson.js';
import { chatChunks, completionChunks, type StreamOptions } from '../../../src/providers/ollama/stream.js';
import { FIXTURES_DIR } from '../../support/fake-upstream.js';

/** A fixture transcript as parsed lines, delivered whole or one byte at a time. */
function lines(fixture: string, byteByByte = false): AsyncIterable<unknown> {
  const bytes = readFileSync(`${FIXTURES_DIR}ollama/${fixture}`);
  async function* body(): AsyncGenerator<Uint8Array> {
    if (!byteByByte) yield bytes;
    else for (const b of bytes) yield Uint8Array.of(b);
  }
  return ndjsonValues(body());
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const plain: StreamOptions = { model: 'client-model', includeUsage: false };
const withUsage: StreamOptions = { model: 'client-model', includeUsage: true };

// biome-ignore lint/suspicious/noExplicitAny: chunk assertions read nested fields freely
type Any = any;

describe('chatChunks', () => {
  it('translates a text stream: role first, one chunk per delta, a separate finish chunk', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-text.ndjson'), plain));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: 'The' },
      { content: ' sky' },
      { content: ' is' },
      { content: ' blue — ☀️.' },
      {},
    ]);
    expect(chunks.map((c) => c.choices[0].finish_reason)).toEqual([null, null, null, null, 'stop']);
    const created = Math.floor(Date.parse('2025-07-07T20:22:19.184789Z') / 1000);
    for (const c of chunks) {
      expect(c).toMatchObject({
        id: chunks[0].id,
        object: 'chat.completion.chunk',
        created,
        model: 'client-model',
      });
      expect(c.choices[0].index).toBe(0);
      expect('usage' in c).toBe(false);
    }
    expect(chunks[0].id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
  });

  it('gives the same chunks when the transcript arrives one byte at a time', async () => {
    const strip = (cs: Any[]) => cs.map((c) => ({ ...c, id: 'x' }));
    const whole = await collect(chatChunks(lines('chat-text.ndjson'), withUsage));
    const bytewise = await collect(chatChunks(lines('chat-text.ndjson', true), withUsage));
    expect(strip(bytewise)).toEqual(strip(whole));
  });

  it('with include_usage: usage null on every chunk, then a choices: [] chunk with the counts', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-text.ndjson'), withUsage));
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 });
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
  });

  it('counts a missing prompt_eval_count (cached prompt) as 0 and maps done_reason length', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-usage-length.ndjson'), withUsage));
    expect(chunks.at(-2).choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 0, completion_tokens: 2, total_tokens: 2 });
  });

  it('emits two parallel tool calls as separate deltas with index 0 and 1, ids kept, arguments as JSON strings', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-parallel-tools.ndjson', true), plain));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      {
        role: 'assistant',
        tool_calls: [
          {
            index: 0,
            id: 'call_k3x9a0qz',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
          },
        ],
      },
      {
        tool_calls: [
          {
            index: 1,
            id: 'call_p2m7c4rt',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          },
        ],
      },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('keeps streaming after an empty-argument call from an old server: "{}", generated ids, running index', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-tool-empty-args.ndjson'), withUsage));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toHaveLength(2);
    expect(calls.map((c: Any) => [c.index, c.function.name, c.function.arguments])).toEqual([
      [0, 'get_time', '{}'],
      [1, 'get_weather', '{"city":"Oslo"}'],
    ]);
    for (const c of calls) expect(c.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(calls[0].id).not.toBe(calls[1].id);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 88, completion_tokens: 19, total_tokens: 107 });
  });

  it('streams thinking as reasoning_content before the content', async () => {
    const chunks: Any[] = await collect(chatChunks(lines('chat-thinking.ndjson'), plain));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', reasoning_content: 'User wants' },
      { reasoning_content: ' 2+2.' },
      { content: '4' },
      {},
    ]);
  });

  it('yields the text before an error line, then throws the error with its message (500)', async () => {
    const seen: Any[] = [];
    const err = await (async () => {
      for await (const c of chatChunks(lines('chat-error-midstream.ndjson', true), plain)) seen.push(c);
    })().catch((e: unknown) => e);
    expect(seen.map((c) => c.choices[0].delta.content)).toEqual(['Par', 'tial']);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(500);
    expect((err as UpstreamError).message).toBe(
      'an error was encountered while running the model: unexpected EOF',
    );
  });

  it('maps a model-not-found error line to 404 model_not_found', async () => {
    async function* one() {
      yield { error: 'model "llama9" not found, try pulling it first' };
    }
    const err = await collect(chatChunks(one(), plain)).catch((e: unknown) => e);
    expect([(err as UpstreamError).status, (err as UpstreamError).code]).toEqual([404, 'model_not_found']);
  });

  it('throws a 502 when the stream ends before done: true', async () => {
    async function* cut() {
      yield { model: 'm', message: { role: 'assistant', content: 'a' }, done: false };
    }
    const err = await collect(chatChunks(cut(), plain)).catch((e: unknown) => e);
    expect((err as UpstreamError).status).toBe(502);
  });

  it('sends a role chunk with empty content when the first line carries nothing', async () => {
    async function* quiet() {
      yield {
        model: 'm',
        created_at: '2025-01-01T00:00:00Z',
        message: { role: 'assistant', content: '' },
        done: false,
      };
      yield { model: 'm', message: { role: 'assistant', content: 'x' }, done: false };
      yield { model: 'm', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' };
    }
    const chunks: Any[] = await collect(chatChunks(quiet(), plain));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'x' },
      {},
    ]);
    expect(chunks[0].created).toBe(1735689600);
  });
});

describe('completionChunks', () => {
  it('translates a generate stream, finish_reason on the last chunk, then usage', async () => {
    const chunks: Any[] = await collect(completionChunks(lines('generate-text.ndjson', true), withUsage));
    expect(chunks.map((c) => c.choices.map((ch: Any) => [ch.text, ch.finish_reason]))).toEqual([
      [['The', null]],
      [[' sky', null]],
      [['', 'stop']],
      [],
    ]);
    expect(chunks[0]).toMatchObject({ object: 'text_completion', model: 'client-model', usage: null });
    expect(chunks[0].id).toMatch(/^cmpl-/);
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 26, completion_tokens: 42, total_tokens: 68 });
  });

  it('turns logprobs lines into the legacy parallel arrays with running text offsets', async () => {
    const chunks: Any[] = await collect(completionChunks(lines('generate-logprobs.ndjson'), plain));
    expect(chunks[0].choices[0].logprobs).toEqual({
      tokens: ['Hi'],
      token_logprobs: [-0.1],
      top_logprobs: [{ Hi: -0.1, Hello: -2.5 }],
      text_offset: [0],
    });
    expect(chunks[1].choices[0].logprobs).toEqual({
      tokens: ['!'],
      token_logprobs: [-0.4],
      top_logprobs: [{ '.': -1.2, '!': -0.4 }],
      text_offset: [2],
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
  });
});
