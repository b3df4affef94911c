/** The NDJSON reader on web streams and async iterables: any chunking, limits, errors, early stop. */
import { describe, expect, it } from 'vitest';
import { NdjsonError, ndjsonValues } from '../src/index.js';

const encoder = new TextEncoder();

/** A web stream that delivers `text` one byte per chunk and records whether it was cancelled. */
function byteStream(text: string) {
  const bytes = encoder.encode(text);
  const state = { cancelled: false, stream: undefined as unknown as ReadableStream<Uint8Array> };
  let i = 0;
  state.stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < bytes.length) controller.enqueue(bytes.slice(i, ++i));
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return state;
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield encoder.encode(part);
}

async function collect(values: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of values) out.push(v);
  return out;
}

describe('ndjsonValues', () => {
  it('reads a web stream split at every byte, multi-byte characters, blank lines and a last line without newline', async () => {
    const { stream } = byteStream('{"response":"héllo 🌍"}\n\n  \n{"response":"","done":true}');
    expect(await collect(ndjsonValues(stream))).toEqual([
      { response: 'héllo 🌍' },
      { response: '', done: true },
    ]);
  });

  it('reads an async iterable whose chunks hold several lines and partial ones', async () => {
    const body = chunks('{"a":1}\n{"a"', ':2}\n{"a":3}\r\n', '{"a":', '4}\n');
    expect(await collect(ndjsonValues(body))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });

  it('yields each line as soon as its newline arrives, before the body ends', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* body() {
      yield encoder.encode('{"first":true}\n{"sec');
      await gate;
      yield encoder.encode('ond":true}\n');
    }
    const it = ndjsonValues(body())[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ first: true });
    release();
    expect((await it.next()).value).toEqual({ second: true });
    expect((await it.next()).done).toBe(true);
  });

  it('throws NdjsonError not_json quoting the line', async () => {
    const read = collect(ndjsonValues(chunks('{"ok":1}\n<html>bad gateway</html>\n')));
    await expect(read).rejects.toSatisfy(
      (e) =>
        e instanceof NdjsonError && e.kind === 'not_json' && e.message.includes('<html>bad gateway</html>'),
    );
  });

  it('throws NdjsonError line_too_long for a complete or a pending line over maxLineBytes', async () => {
    const complete = collect(ndjsonValues(chunks(`{"a":"${'x'.repeat(20)}"}\n`), { maxLineBytes: 16 }));
    await expect(complete).rejects.toSatisfy((e) => e instanceof NdjsonError && e.kind === 'line_too_long');
    const pending = collect(
      ndjsonValues(chunks('{"a":"', 'x'.repeat(10), 'x'.repeat(10)), { maxLineBytes: 16 }),
    );
    await expect(pending).rejects.toSatisfy((e) => e instanceof NdjsonError && e.kind === 'line_too_long');
    // exactly at the limit: 18 bytes
    expect(await collect(ndjsonValues(chunks('{"a":"xxxxxxxxxx"}\n'), { maxLineBytes: 18 }))).toEqual([
      { a: 'xxxxxxxxxx' },
    ]);
  });

  it('cancels a web stream when the consumer stops early', async () => {
    const state = byteStream('{"a":1}\n{"a":2}\n{"a":3}\n');
    for await (const v of ndjsonValues(state.stream)) {
      expect(v).toEqual({ a: 1 });
      break;
    }
    expect(state.cancelled).toBe(true);
    expect(state.stream.locked).toBe(false);
  });

  it('returns the iterator of an async iterable when the consumer stops early', async () => {
    let closed = false;
    async function* body() {
      try {
        yield encoder.encode('{"a":1}\n');
        yield encoder.encode('{"a":2}\n');
      } finally {
        closed = true;
      }
    }
    for await (const _ of ndjsonValues(body())) break;
    expect(closed).toBe(true);
  });

  it('does not cancel a web stream it read to the end', async () => {
    const state = byteStream('{"a":1}\n');
    expect(await collect(ndjsonValues(state.stream))).toEqual([{ a: 1 }]);
    expect(state.cancelled).toBe(false);
    expect(state.stream.locked).toBe(false);
  });
});
