/** The incremental NDJSON reader: arbitrary chunk boundaries, split UTF-8, no trailing newline, early stop. */
import { describe, expect, it } from 'vitest';
import { APIError } from '../src/index.js';
import { readNdjson } from '../src/ndjson.js';

/** A Response whose body arrives one byte per chunk. */
function byteByByte(text: string, onCancel?: () => void): Response {
  const bytes = new TextEncoder().encode(text);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < bytes.length) controller.enqueue(bytes.slice(i, ++i));
      else controller.close();
    },
    cancel: () => onCancel?.(),
  });
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
}

async function collect(response: Response, controller = new AbortController()) {
  const out: unknown[] = [];
  for await (const v of readNdjson(response, controller)) out.push(v);
  return out;
}

describe('readNdjson', () => {
  it('parses lines split at every byte, multi-byte characters included, and a last line without newline', async () => {
    const lines = '{"response":"héllo 🌍"}\n\n{"response":"","done":true}';
    expect(await collect(byteByByte(lines))).toEqual([
      { response: 'héllo 🌍' },
      { response: '', done: true },
    ]);
  });

  it('throws an APIError for an error line and stops there', async () => {
    const seen: unknown[] = [];
    const read = async () => {
      for await (const v of readNdjson(
        byteByByte('{"status":"pulling manifest"}\n{"error":"boom"}\n{"status":"x"}\n'),
        new AbortController(),
      )) {
        seen.push(v);
      }
    };
    await expect(read()).rejects.toSatisfy((e) => e instanceof APIError && e.message === 'boom');
    expect(seen).toEqual([{ status: 'pulling manifest' }]);
  });

  it('cancels the body and aborts the request when the consumer stops early', async () => {
    let cancelled = false;
    const controller = new AbortController();
    for await (const v of readNdjson(
      byteByByte('{"a":1}\n{"a":2}\n{"a":3}\n', () => {
        cancelled = true;
      }),
      controller,
    )) {
      expect(v).toEqual({ a: 1 });
      break;
    }
    expect(cancelled).toBe(true);
    expect(controller.signal.aborted).toBe(true);
  });
});
