import { ollamaProtocolError } from './errors.js';

/** Longest NDJSON line accepted, in bytes (a line holds one token or one tool call; images never come back). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Parses an NDJSON body incrementally (Ollama API docs, Streaming responses:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses: split on `\n`, skip empty lines,
 * `JSON.parse` each line). Lines are cut at the byte level and decoded whole, so chunk boundaries anywhere (one byte
 * at a time, inside a multi-byte UTF-8 character) are handled. A last line without a trailing newline is parsed too.
 * @param body upstream body chunks
 * @returns each line's parsed value, as soon as its newline arrives
 * @throws UpstreamError 502 (`upstream_protocol_error`) for a line that is not JSON or longer than 16 MiB
 */
export async function* ndjsonValues(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of body) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let newline = bytes.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const tail = bytes.subarray(start, newline);
      const line = pendingBytes === 0 ? tail : Buffer.concat([...pending, tail]);
      pending = [];
      pendingBytes = 0;
      const value = parseLine(line);
      if (value !== undefined) yield value;
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    if (start < bytes.length) {
      pending.push(Buffer.from(bytes.subarray(start)));
      pendingBytes += bytes.length - start;
      if (pendingBytes > MAX_LINE_BYTES)
        throw ollamaProtocolError(`NDJSON line longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
  if (pendingBytes > 0) {
    const value = parseLine(Buffer.concat(pending));
    if (value !== undefined) yield value;
  }
}

function parseLine(line: Buffer): unknown {
  const text = line.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw ollamaProtocolError(`NDJSON line is not JSON: ${text.slice(0, 200)}`);
  }
}
