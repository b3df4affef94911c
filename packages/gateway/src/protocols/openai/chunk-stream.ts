/**
 * An OpenAI-compatible upstream's streamed chat completion (`text/event-stream` bytes) as chunk objects, for
 * ingresses that translate the canonical stream into their own protocol. Framing: OpenAI API reference,
 * Chat Completions, "Streaming" (https://platform.openai.com/docs/api-reference/chat-streaming): one
 * `data: <chunk JSON>` event per chunk, `data: [DONE]` last; an error after the stream began arrives as
 * `data: {"error": {...}}`.
 */
import { UpstreamError } from '../../core/errors.js';
import { decodeSse, eventObject } from '../../upstream/sse-decode.js';

/**
 * @param body the upstream's event-stream bytes
 * @yields each chunk object until `[DONE]` or the end of the body
 * @throws UpstreamError with the error's status (its numeric `code` when that is an HTTP error status, else
 *   502) for an error event; 502 (`protocol`) for data that is not a JSON object
 */
export async function* openAIChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  for await (const event of decodeSse(body)) {
    if (event.data === '[DONE]') return;
    const chunk = eventObject(event.data);
    if (!chunk) {
      throw new UpstreamError(
        502,
        `the upstream sent stream data that is not JSON: ${event.data.slice(0, 200)}`,
        {
          failure: 'protocol',
        },
      );
    }
    const error = chunk.error as { message?: unknown; type?: unknown; code?: unknown } | undefined;
    if (error && typeof error === 'object') {
      const code = error.code;
      const status = typeof code === 'number' && code >= 400 && code <= 599 ? code : 502;
      throw new UpstreamError(
        status,
        typeof error.message === 'string' ? error.message : 'upstream stream failed',
        {
          failure: 'status',
          ...(typeof error.type === 'string' ? { type: error.type } : {}),
        },
      );
    }
    yield chunk;
  }
}
