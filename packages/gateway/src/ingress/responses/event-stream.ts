/**
 * The SSE body of a streamed `POST /v1/responses` translated from a chat completion stream
 * (protocols/responses/chunks-to-events.ts). The first chunk is awaited before anything is written, so a failure
 * before it is still an HTTP error; a failure after it ends the stream with `response.failed` and `error`.
 */
import { peekFirst } from '../../core/async-iterables.js';
import { GatewayError } from '../../core/errors.js';
import { openAIChunks } from '../../protocols/openai/chunk-stream.js';
import { eventFrame, ResponseStreamTranscoder } from '../../protocols/responses/chunks-to-events.js';
import type { ResponseContext } from '../../protocols/responses/response-object.js';
import type { ProviderResponse } from '../../providers/provider.js';

/**
 * @param response the routed canonical answer (chunks, or an OpenAI-compatible upstream's event-stream bytes)
 * @param save called with the final response object before the last event is sent (when the response is stored)
 * @throws whatever the upstream stream throws before its first chunk
 */
export async function responseEventStream(
  response: ProviderResponse,
  context: ResponseContext,
  save: ((response: Record<string, unknown>) => Promise<void>) | undefined,
): Promise<AsyncIterable<Uint8Array>> {
  const chunks =
    response.kind === 'chunks'
      ? response.chunks
      : response.kind === 'bytes'
        ? openAIChunks(response.body)
        : single(response.body);
  const { items } = await peekFirst(chunks);
  return frames(items, new ResponseStreamTranscoder(context), save);
}

async function* single(body: unknown): AsyncGenerator<unknown> {
  yield body;
}

async function* frames(
  chunks: AsyncIterable<unknown>,
  transcoder: ResponseStreamTranscoder,
  save: ((response: Record<string, unknown>) => Promise<void>) | undefined,
): AsyncGenerator<Uint8Array> {
  yield encode(transcoder.start().map(eventFrame).join(''));
  let closing: string;
  try {
    for await (const chunk of chunks) {
      const events = transcoder.push(chunk);
      if (events.length > 0) yield encode(events.map(eventFrame).join(''));
    }
    closing = transcoder.finish().map(eventFrame).join('');
  } catch (err) {
    const error =
      err instanceof GatewayError
        ? { code: String(err.code ?? 'server_error'), message: err.message }
        : {
            code: 'server_error',
            message: `upstream stream failed: ${(err as Error)?.message ?? String(err)}`,
          };
    closing = transcoder.fail(error).map(eventFrame).join('');
  }
  if (save && transcoder.final) await save(transcoder.final);
  yield encode(closing);
}

function encode(text: string): Uint8Array {
  return Buffer.from(text);
}
