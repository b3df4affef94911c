import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { ndjsonValues } from '../../../src/providers/ollama/ndjson.js';
import { FIXTURES_DIR } from '../../support/fake-upstream.js';

async function* pieces(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function collect(parts: Uint8Array[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of ndjsonValues(pieces(parts))) out.push(value);
  return out;
}

/** Splits bytes at the given cut points. */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

describe('ndjsonValues', () => {
  const transcript = readFileSync(`${FIXTURES_DIR}ollama/chat-text.ndjson`);
  const expected = transcript
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

  it('parses a whole transcript delivered in one chunk', async () => {
    expect(await collect([transcript])).toEqual(expected);
  });

  it('parses the same transcript delivered one byte at a time (multi-byte UTF-8 split included)', async () => {
    const bytes = [...transcript].map((b) => Uint8Array.of(b));
    const values = await collect(bytes);
    expect(values).toEqual(expected);
    expect((values[3] as { message: { content: string } }).message.content).toBe(' blue — ☀️.');
  });

  it('parses every two-piece split of the transcript identically', async () => {
    for (let p = 1; p < transcript.length; p += 7) {
      expect(await collect(cut(transcript, [p]))).toEqual(expected);
    }
  });

  it('skips blank and CRLF-terminated lines and parses a last line without a newline', async () => {
    const text = '\n{"a":1}\r\n\n  \n{"b":2}';
    expect(await collect([Buffer.from(text)])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('yields each line as soon as its newline arrives, before the body ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('{"n":1}\n{"n":');
      await gate;
      yield Buffer.from('2}\n');
    }
    const it = ndjsonValues(slow());
    expect((await it.next()).value).toEqual({ n: 1 });
    release();
    expect((await it.next()).value).toEqual({ n: 2 });
    expect((await it.next()).done).toBe(true);
  });

  it('throws a 502 protocol error for a line that is not JSON', async () => {
    const err = await collect([Buffer.from('{"ok":true}\nnot json\n')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(502);
    expect((err as UpstreamError).code).toBe('upstream_protocol_error');
    expect((err as UpstreamError).retryable).toBe(false);
  });
});
