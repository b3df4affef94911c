/**
 * Turns a routed canonical answer into the Anthropic Messages answer the `/v1/messages` client gets: a
 * `Message` JSON body, or the Messages event stream (Anthropic API reference, Messages and Streaming
 * Messages: https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/docs/build-with-claude/streaming).
 * An answer a provider already gave in Anthropic's protocol (passthrough) keeps its bytes.
 */

import { peekFirst } from '../../core/async-iterables.js';
import { UpstreamError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { chatToMessage } from '../../protocols/anthropic/chat-to-message.js';
import { MessageStreamTranscoder, PING_EVENT } from '../../protocols/anthropic/chunks-to-events.js';
import { anthropicErrorEvent } from '../../protocols/anthropic/error-envelope.js';
import { openAIChunks } from '../../protocols/openai/chunk-stream.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { WholeBody } from '../../routing/guarded-response.js';

/** Content type of the event stream. */
const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/** Interval of `ping` events while the upstream sends nothing, ms. */
export const PING_INTERVAL_MS = 10_000;

/** What the translation needs to know about the client's request. */
export interface MessageContext {
  /** The model id the client asked for. */
  model: string;
  /** The client's `stop_sequences`. */
  stopSequences: readonly string[];
}

/**
 * @returns a `json` Message, or `bytes` carrying the event stream, or the provider's own Anthropic bytes
 * @throws UpstreamError 502 for an answer that is not a chat completion; whatever the stream throws before
 *   its first event (so the client still gets an HTTP error status)
 */
export async function anthropicResponse(
  response: ProviderResponse,
  context: MessageContext,
): Promise<ProviderResponse> {
  if (response.kind === 'bytes' && response.protocol === 'anthropic') {
    if (!response.contentType.startsWith('text/event-stream')) return response;
    return { ...response, body: nativeEvents(response.body) };
  }
  if (response.kind === 'json') return messageJson(response.body, response.headers, context);
  if (response.kind === 'bytes' && response.body instanceof WholeBody) {
    return messageJson(parseJson(response.body.bytes), response.headers, context);
  }
  const chunks = response.kind === 'chunks' ? response.chunks : openAIChunks(response.body);
  const promptTokens = response.kind === 'chunks' ? response.promptTokens : undefined;
  const { items } = await peekFirst(messageEvents(chunks, context, promptTokens));
  return {
    kind: 'bytes',
    status: 200,
    contentType: SSE_CONTENT_TYPE,
    body: items,
    ...(response.headers ? { headers: response.headers } : {}),
  };
}

function messageJson(
  completion: unknown,
  headers: Record<string, string> | undefined,
  context: MessageContext,
): ProviderResponse {
  const body = chatToMessage(completion, context.model, context.stopSequences);
  return { kind: 'json', status: 200, body, ...(headers ? { headers } : {}) };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UpstreamError(502, 'the upstream answered with invalid JSON', { failure: 'protocol' });
  }
}

const PING = Symbol('ping');

/**
 * The event frames of one streamed message, with a `ping` every {@link PING_INTERVAL_MS} while waiting;
 * `message_start` reports `promptTokens` as `usage.input_tokens` when the provider counted them.
 * A failure before the first frame is thrown; after it, the stream ends with an `event: error` frame.
 */
async function* messageEvents(
  chunks: AsyncIterable<unknown>,
  context: MessageContext,
  promptTokens: number | undefined,
): AsyncGenerator<Uint8Array> {
  const transcoder = new MessageStreamTranscoder({
    id: newId('msg_'),
    model: context.model,
    stopSequences: context.stopSequences,
    ...(promptTokens !== undefined ? { inputTokens: promptTokens } : {}),
  });
  const iterator = chunks[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<typeof PING> | undefined;
  const arm = () => {
    tick = new Promise((resolve) => {
      timer = setTimeout(resolve, PING_INTERVAL_MS, PING);
    });
  };
  let sent = false;
  try {
    for (;;) {
      const next = iterator.next();
      let step: IteratorResult<unknown> | typeof PING;
      for (;;) {
        if (!sent) step = await next;
        else {
          if (!tick) arm();
          step = await Promise.race([next, tick!]);
        }
        if (step !== PING) break;
        tick = undefined;
        yield Buffer.from(PING_EVENT);
      }
      if (step.done) break;
      const frames = transcoder.push(step.value);
      if (frames !== '') {
        sent = true;
        yield Buffer.from(frames);
      }
    }
    yield Buffer.from(transcoder.finish());
  } catch (err) {
    if (!sent) throw err;
    yield Buffer.from(anthropicErrorEvent(err));
  } finally {
    clearTimeout(timer);
    await iterator.return?.();
  }
}

/** An Anthropic upstream's event bytes as they come; a failure mid-stream ends them with `event: error`. */
async function* nativeEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    yield Buffer.from(anthropicErrorEvent(err));
  }
}
