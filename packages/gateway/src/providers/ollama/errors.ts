import { UpstreamError } from '../../core/errors.js';
import { upstreamStatusError } from '../openai-compatible/upstream-errors.js';

/**
 * Ollama errors are `{"error": "<message>"}` (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions; Ollama API docs, Streaming responses:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses): with an HTTP status before any output,
 * or as the last NDJSON line after a 200 once a stream has started. Both become {@link UpstreamError}s in the OpenAI
 * envelope; a missing model is a 404 with code `model_not_found` either way.
 */

const NOT_FOUND = /\bmodel\b.*\bnot found\b/i;

/**
 * Reads a non-2xx Ollama response into an error keeping the upstream status (404 not found, 400 bad request,
 * 503 queue full, 500 anything else; Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 * @param status upstream HTTP status
 * @param headers upstream headers (`retry-after`)
 * @param body upstream body; consumed up to 64 KiB
 */
export async function ollamaStatusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
): Promise<UpstreamError> {
  const err = await upstreamStatusError(status, headers, body);
  if (status !== 404 || !NOT_FOUND.test(err.message)) return err;
  return new UpstreamError(404, err.message, {
    failure: 'status',
    type: err.type,
    code: 'model_not_found',
    headers: err.headers,
  });
}

/**
 * The error for an `{"error": "..."}` object that arrived with status 200: a stream line, or a whole body. The
 * status is the one Ollama gives that message before a stream starts: 404 for a missing model, else 500 (a
 * runner failure, Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 * @param message the upstream's error string
 */
export function ollamaLineError(message: unknown): UpstreamError {
  const text = typeof message === 'string' && message !== '' ? message : JSON.stringify(message);
  if (NOT_FOUND.test(text))
    return new UpstreamError(404, text, { failure: 'status', code: 'model_not_found' });
  return new UpstreamError(500, text, { failure: 'status' });
}

/** The error for an upstream body that is not the NDJSON or JSON Ollama documents. */
export function ollamaProtocolError(detail: string): UpstreamError {
  return new UpstreamError(502, `invalid response from Ollama: ${detail}`, {
    failure: 'protocol',
  });
}
