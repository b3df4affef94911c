/**
 * Incremental NDJSON reader for Ollama streams (Ollama API docs, Streaming responses:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses): split on `\n`, skip empty lines,
 * `JSON.parse` each line as soon as it is complete, and raise on a line with an `error` key.
 */
import { streamError } from './errors.js';

/**
 * Yields each JSON object of an NDJSON response body as it arrives.
 * Stopping early (break/return) cancels the body and aborts the request's `controller`.
 * @throws {APIError} (status undefined) for an `{"error": …}` line, like the SDK does for an SSE error event
 * @throws {SyntaxError} for a line that is not JSON
 */
export async function* readNdjson<T>(response: Response, controller: AbortController): AsyncGenerator<T> {
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield parseLine<T>(line, response.headers);
        newline = buffer.indexOf('\n');
      }
      if (done) break;
    }
    const rest = buffer.trim();
    if (rest) yield parseLine<T>(rest, response.headers);
    finished = true;
  } finally {
    if (!finished) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}

function parseLine<T>(line: string, headers: Headers): T {
  const value: unknown = JSON.parse(line);
  if (value && typeof value === 'object' && 'error' in value) throw streamError(value, headers);
  return value as T;
}
