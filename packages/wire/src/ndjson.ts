/**
 * Incremental NDJSON reader (newline-delimited JSON, as Ollama streams its answers: Ollama API docs, Streaming
 * responses: https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses). Works on web streams and on
 * any async iterable of bytes, so it runs in Node, browsers and edge runtimes alike.
 */

/** A readable byte stream in the WHATWG Streams shape (`fetch`'s `Response.body`, or Node's web streams). */
export interface ByteStream {
  getReader(): {
    read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** Why a body is not valid NDJSON. */
export type NdjsonErrorKind = 'not_json' | 'line_too_long';

/** A body that is not NDJSON: a line that does not parse, or one longer than the reader accepts. */
export class NdjsonError extends Error {
  readonly kind: NdjsonErrorKind;

  constructor(kind: NdjsonErrorKind, message: string) {
    super(message);
    this.name = 'NdjsonError';
    this.kind = kind;
  }
}

/** Options of {@link ndjsonValues}. */
export interface NdjsonOptions {
  /** Longest line accepted, in bytes (newline excluded); default: no limit. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

/**
 * Yields the parsed value of each line of an NDJSON body as soon as its newline arrives. Lines are cut at the byte
 * level and decoded whole, so chunks may split anywhere, even inside a multi-byte UTF-8 character; blank lines are
 * skipped and a last line without a newline is parsed too. Stopping early (`break`, `return`, a throw in the
 * consumer) cancels a web stream, or returns the async iterable's iterator, which closes the body.
 * @param body the body bytes: a web `ReadableStream` or any async iterable of `Uint8Array` chunks
 * @throws NdjsonError `not_json` for a line that is not JSON (the message quotes its first 200 characters),
 *   `line_too_long` for a line over `maxLineBytes`
 */
export async function* ndjsonValues(
  body: ByteStream | AsyncIterable<Uint8Array>,
  options: NdjsonOptions = {},
): AsyncGenerator<unknown> {
  const maxLineBytes = options.maxLineBytes ?? Number.POSITIVE_INFINITY;
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunksOf(body)) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const tail = chunk.subarray(start, newline);
      const line = pendingBytes === 0 ? tail : concat([...pending, tail], pendingBytes + tail.length);
      pending = [];
      pendingBytes = 0;
      if (line.length > maxLineBytes) throw tooLong(maxLineBytes);
      const value = parseLine(decoder.decode(line));
      if (value !== undefined) yield value;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      pending.push(chunk.slice(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong(maxLineBytes);
    }
  }
  if (pendingBytes > 0) {
    const value = parseLine(decoder.decode(concat(pending, pendingBytes)));
    if (value !== undefined) yield value;
  }
}

async function* chunksOf(body: ByteStream | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function parseLine(line: string): unknown {
  const text = line.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new NdjsonError('not_json', `NDJSON line is not JSON: ${text.slice(0, 200)}`);
  }
}

function tooLong(maxLineBytes: number): NdjsonError {
  return new NdjsonError('line_too_long', `NDJSON line longer than ${maxLineBytes} bytes`);
}
