/**
 * `store: true` on `POST /v1/chat/completions` (OpenAI API reference, Create chat completion, `store`:
 * https://platform.openai.com/docs/api-reference/chat/create): the request and the completion are saved once the
 * answer is complete, before its last bytes reach the client (so a `GET` right after the answer finds it). A
 * streamed answer is folded into the completion object it stands for. The answer itself passes unchanged.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ChunkAccumulator } from '../../protocols/openai/chunk-accumulator.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { WholeBody } from '../../routing/guarded-response.js';
import type { Store } from '../../store/store.js';
import { decodeSse, eventObject } from '../../upstream/sse-decode.js';

/** The end of an OpenAI event stream, in the bytes of an upstream's stream. */
const DONE_MARK = 'data: [DONE]';

/**
 * @param body the client's request
 * @returns the same answer, wrapped so that it is recorded when complete
 */
export async function recordChatCompletion(
  store: Store,
  body: Record<string, unknown>,
  response: ProviderResponse,
  log: FastifyBaseLogger,
): Promise<ProviderResponse> {
  const save = async (completion: Record<string, unknown>) => {
    if (typeof completion.id !== 'string') return;
    try {
      await store.chatCompletions.save({
        id: completion.id,
        createdAt: Date.now(),
        model: typeof body.model === 'string' ? body.model : String(completion.model),
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        request: body,
        response: { ...completion, model: body.model ?? completion.model },
      });
    } catch (err) {
      log.error(
        { err: (err as Error).message, id: completion.id },
        'chat completions: could not store the completion',
      );
    }
  };
  if (response.kind === 'json') {
    if (response.status === 200) await save(response.body as Record<string, unknown>);
    return response;
  }
  if (response.kind === 'chunks') return { ...response, chunks: recordedChunks(response.chunks, save) };
  if (response.body instanceof WholeBody) {
    if (response.status === 200) await save(parsed(response.body.bytes));
    return response;
  }
  if (response.status !== 200 || !response.contentType.startsWith('text/event-stream')) return response;
  return { ...response, body: recordedBytes(response.body, save) };
}

async function* recordedChunks(
  chunks: AsyncIterable<unknown>,
  save: (completion: Record<string, unknown>) => Promise<void>,
): AsyncGenerator<unknown> {
  const accumulator = new ChunkAccumulator();
  for await (const chunk of chunks) {
    accumulator.push(chunk);
    yield chunk;
  }
  await save(accumulator.completion());
}

async function* recordedBytes(
  body: AsyncIterable<Uint8Array>,
  save: (completion: Record<string, unknown>) => Promise<void>,
): AsyncGenerator<Uint8Array> {
  const parts: Uint8Array[] = [];
  let saved = false;
  const record = async () => {
    saved = true;
    const accumulator = new ChunkAccumulator();
    for await (const event of decodeSse(once(Buffer.concat(parts)))) {
      if (event.data === '[DONE]') break;
      const chunk = eventObject(event.data);
      if (chunk && !chunk.error) accumulator.push(chunk);
    }
    await save(accumulator.completion());
  };
  for await (const part of body) {
    parts.push(part);
    if (!saved && Buffer.from(part).includes(DONE_MARK)) await record();
    yield part;
  }
  if (!saved) await record();
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function parsed(bytes: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
