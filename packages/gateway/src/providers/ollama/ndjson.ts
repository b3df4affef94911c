import { NdjsonError, ndjsonValues as readNdjsonValues } from '@switchyard/wire';
import { ollamaProtocolError } from './errors.js';

/** Longest NDJSON line accepted, in bytes (a line holds one token or one tool call; images never come back). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Parses an Ollama NDJSON body incrementally with the shared reader of `@switchyard/wire` (Ollama API docs,
 * Streaming responses: https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses): chunk boundaries
 * anywhere (one byte at a time, inside a multi-byte UTF-8 character) are handled, blank lines skipped, and a last
 * line without a trailing newline is parsed too.
 * @param body upstream body chunks
 * @returns each line's parsed value, as soon as its newline arrives
 * @throws UpstreamError 502 (`upstream_protocol_error`) for a line that is not JSON or longer than 16 MiB
 */
export async function* ndjsonValues(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  try {
    yield* readNdjsonValues(body, { maxLineBytes: MAX_LINE_BYTES });
  } catch (err) {
    if (err instanceof NdjsonError) throw ollamaProtocolError(err.message);
    throw err;
  }
}
