/**
 * Gemini `streamGenerateContent?alt=sse` events → OpenAI chat chunks (Gemini API reference, streamGenerateContent:
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 */
import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { ChatChunkFactory } from '../../protocols/openai/chat-chunks.js';
import { eventObject } from '../../upstream/sse-decode.js';
import type { ChatStreamOptions } from '../translated-chat.js';
import { type GeminiErrorObject, geminiError } from './errors.js';
import {
  finishReason,
  type GeminiResponse,
  type GeminiUsage,
  openAIUsage,
  toolCallFromPart,
} from './response.js';
import type { ThoughtSignatures } from './thought-signatures.js';

/** Options of {@link geminiChunks}. */
export interface GeminiStreamOptions extends ChatStreamOptions {
  /**
   * Where thought signatures of function calls are remembered (Gemini API docs, Thought signatures:
   * https://ai.google.dev/gemini-api/docs/thought-signatures).
   */
  signatures: ThoughtSignatures;
}

/** Per-candidate progress. */
interface CandidateState {
  toolCount: number;
  finished: boolean;
}

/**
 * Translates Gemini's stream of whole responses: the first chunk of each candidate carries the role; text
 * parts (deltas, not cumulative) → `content`; `thought` parts → `reasoning_content`; each `functionCall`
 * (complete in one event) → one tool-call delta with a new id, `index` = running count in that candidate,
 * and the whole `arguments`; `finishReason` → the finish chunk; a blocked prompt (no candidates,
 * `promptFeedback.blockReason`) → finish `content_filter`. The stream has no terminator, so the usage chunk
 * (from the last `usageMetadata`) is sent when it ends, if requested.
 * @param events decoded SSE events (`data:` only)
 * @throws UpstreamError for an `error` object in the stream (Gemini API reference, streamGenerateContent, status from
 *   `error.code`), unparseable data, or a stream that ends before every started candidate finished
 */
export async function* geminiChunks(
  events: AsyncIterable<EventSourceMessage>,
  options: GeminiStreamOptions,
): AsyncGenerator<ChatCompletionChunk> {
  let chunks: ChatChunkFactory | undefined;
  let usage: GeminiUsage | undefined;
  const candidates = new Map<number, CandidateState>();
  for await (const event of events) {
    const response = (eventObject(event.data) ?? unparseable(event.data)) as GeminiResponse;
    if (response.error) throw geminiError(response.error as GeminiErrorObject);
    chunks ??= new ChatChunkFactory(
      response.responseId ?? newId('chatcmpl-'),
      options.model,
      options.includeUsage,
      options.created,
    );
    if (response.usageMetadata) usage = response.usageMetadata;
    const list = response.candidates ?? [];
    if (list.length === 0 && response.promptFeedback?.blockReason) {
      if (!candidates.has(0)) yield chunks.delta(0, { role: 'assistant', content: '' });
      candidates.set(0, { toolCount: 0, finished: true });
      yield chunks.delta(0, {}, 'content_filter');
    }
    for (const [position, candidate] of list.entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (!state) {
        state = { toolCount: 0, finished: false };
        candidates.set(index, state);
        yield chunks.delta(index, { role: 'assistant', content: '' });
      }
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          const call = toolCallFromPart(part.functionCall, part, options.signatures);
          yield chunks.delta(index, { tool_calls: [{ index: state.toolCount++, ...call }] });
        } else if (typeof part.text === 'string' && part.text !== '') {
          yield chunks.delta(index, part.thought ? { reasoning_content: part.text } : { content: part.text });
        }
      }
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        yield chunks.delta(index, {}, finishReason(candidate.finishReason, state.toolCount > 0));
      }
    }
  }
  if (!chunks || candidates.size === 0 || [...candidates.values()].some((c) => !c.finished)) {
    throw protocolError('the stream ended before a finishReason');
  }
  if (options.includeUsage) yield chunks.usage(openAIUsage(usage ?? {}));
}

function unparseable(data: string): never {
  throw protocolError(`unparseable event data: ${data.slice(0, 200)}`);
}

function protocolError(detail: string): UpstreamError {
  return new UpstreamError(502, `Gemini stream is invalid: ${detail}`, { failure: 'protocol' });
}
