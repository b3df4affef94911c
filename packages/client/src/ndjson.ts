/**
 * Ollama's NDJSON streams as SDK-style async iterables: the bytes are cut into JSON values by the shared reader of
 * `@switchyard/wire`, and a line with an `error` key (Ollama docs, Errors: https://docs.ollama.com/api/errors) raises
 * like an SSE error event does in the `openai` SDK.
 */
import { ndjsonValues } from '@switchyard/wire';
import { streamError } from './errors.js';

/**
 * Yields each JSON object of an NDJSON response body as it arrives.
 * Stopping early (break/return) cancels the body and aborts the request's `controller`.
 * @throws {APIError} (status undefined) for an `{"error": …}` line, like the SDK does for an SSE error event
 * @throws {NdjsonError} (from `@switchyard/wire`) for a line that is not JSON
 */
export async function* readNdjson<T>(response: Response, controller: AbortController): AsyncGenerator<T> {
  const body = response.body;
  if (!body) return;
  let finished = false;
  try {
    for await (const value of ndjsonValues(body)) {
      if (value && typeof value === 'object' && 'error' in value) throw streamError(value, response.headers);
      yield value as T;
    }
    finished = true;
  } finally {
    if (!finished) controller.abort();
  }
}
