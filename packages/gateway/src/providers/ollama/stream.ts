/**
 * Ollama NDJSON streams → OpenAI chunk objects (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go; OpenAI API reference, The chat completion chunk
 * object: https://platform.openai.com/docs/api-reference/chat-streaming/streaming; OpenAI API reference, The
 * completion object: https://platform.openai.com/docs/api-reference/completions/object). The HTTP layer frames them
 * as SSE and appends `data: [DONE]`; an error thrown here after the first chunk becomes the stream's final
 * `data: {"error": ...}` event.
 */

import {
  completionLogprobs,
  type OllamaChatResponse,
  type OllamaGenerateResponse,
  type OllamaMessage,
  type OllamaMetrics,
} from '@switchyard/wire';
import type { ChatCompletionChunk, ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';
import type { Completion, CompletionChoice } from 'openai/resources/completions';
import { newId } from '../../core/ids.js';
import { ollamaLineError, ollamaProtocolError } from './errors.js';
import {
  chatLogprobs,
  createdSeconds,
  finishReason,
  type OllamaFinishReason,
  openAIToolCall,
  textFinishReason,
  usageOf,
} from './response.js';

/** How a stream is translated. */
export interface StreamOptions {
  /** The `model` of every chunk: the model id the client asked for (not Ollama's upstream name). */
  model: string;
  /** `stream_options.include_usage`: `usage: null` on every chunk, then a `choices: []` chunk with the usage. */
  includeUsage: boolean;
}

/** A chat delta with the reasoning text that Ollama calls `thinking`. */
export type ReasoningDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

/** A chat chunk whose delta may carry `reasoning_content`. */
export type ReasoningChunk = Omit<ChatCompletionChunk, 'choices'> & {
  choices: (Omit<ChatCompletionChunk.Choice, 'delta'> & { delta: ReasoningDelta })[];
};

/**
 * `/api/chat` lines → `chat.completion.chunk`s. The first chunk carries `role: "assistant"`; per line, thinking
 * → `delta.reasoning_content`, content → `delta.content`, and each tool call → its own chunk with the complete
 * arguments as one fragment and `index` counting calls across the whole turn. `done: true` → a finish chunk with
 * `delta: {}`, then the usage chunk when requested. Every chunk shares one `id` and the first line's `created`.
 * Anything after the final line is read and ignored, so the upstream connection ends cleanly and stays reusable.
 * @param lines parsed NDJSON values from ndjson.ts
 * @throws UpstreamError for an `{"error": ...}` line (404 for a missing model, else 500), and 502 when a line
 *   is not an object or the stream ends without `done: true`
 */
export async function* chatChunks(
  lines: AsyncIterable<unknown>,
  opts: StreamOptions,
): AsyncGenerator<ReasoningChunk> {
  const id = newId('chatcmpl-');
  let created = 0;
  const model = opts.model;
  let first = true;
  let toolCalls = 0;
  let finished = false;
  const chunk = (
    delta: ReasoningDelta,
    finish: OllamaFinishReason | null,
    logprobs: ChatCompletionTokenLogprob[] | null = null,
  ): ReasoningChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [
      {
        index: 0,
        delta,
        logprobs: logprobs ? { content: logprobs, refusal: null } : null,
        finish_reason: finish,
      },
    ],
    ...(opts.includeUsage ? { usage: null } : {}),
  });
  const opening = (delta: ReasoningDelta): ReasoningDelta => {
    if (!first) return delta;
    first = false;
    return { role: 'assistant', ...delta };
  };

  for await (const value of lines) {
    if (finished) continue;
    const line = checkLine(value) as OllamaChatResponse;
    if (first) {
      created = createdSeconds(line.created_at);
    }
    const msg: Partial<OllamaMessage> = line.message ?? {};
    if (msg.thinking) yield chunk(opening({ reasoning_content: msg.thinking }), null);
    if (msg.content) {
      yield chunk(
        opening({ content: msg.content }),
        null,
        line.logprobs ? chatLogprobs(line.logprobs) : null,
      );
    }
    for (const call of msg.tool_calls ?? []) {
      yield chunk(opening({ tool_calls: [{ index: toolCalls++, ...openAIToolCall(call) }] }), null);
    }
    if (first) yield chunk(opening({ content: '' }), null);
    if (line.done) {
      yield chunk({}, finishReason(line.done_reason, toolCalls > 0));
      if (opts.includeUsage) yield { ...chunk({}, null), choices: [], usage: usageOf(line) };
      finished = true;
    }
  }
  if (!finished) throw ollamaProtocolError('the stream ended before its final line (done: true)');
}

/**
 * A streamed legacy completion: `finish_reason` is null until the last text chunk (OpenAI API reference, The
 * completion object: https://platform.openai.com/docs/api-reference/completions/object).
 */
export type CompletionChunk = Omit<Completion, 'usage' | 'choices'> & {
  choices: (Omit<CompletionChoice, 'finish_reason'> & {
    finish_reason: CompletionChoice['finish_reason'] | null;
  })[];
  /** Null on all but the usage chunk, when usage was requested. */
  usage?: Completion['usage'] | null;
};

/**
 * `/api/generate` lines → streamed `text_completion` objects (OpenAI API reference, The completion object:
 * https://platform.openai.com/docs/api-reference/completions/object): each `response` delta → one chunk; the final
 * line's remaining text rides on the chunk that carries `finish_reason`; then the usage chunk (`choices: []`) when
 * requested. `logprobs` lines → the legacy parallel arrays with running `text_offset`.
 * @throws UpstreamError as {@link chatChunks}
 */
export async function* completionChunks(
  lines: AsyncIterable<unknown>,
  opts: StreamOptions,
): AsyncGenerator<CompletionChunk> {
  const id = newId('cmpl-');
  let created = 0;
  const model = opts.model;
  let first = true;
  let offset = 0;
  let finished = false;
  const chunk = (choices: CompletionChunk['choices']): CompletionChunk => ({
    id,
    object: 'text_completion',
    created,
    model,
    choices,
    ...(opts.includeUsage ? { usage: null } : {}),
  });

  for await (const value of lines) {
    if (finished) continue;
    const line = checkLine(value) as OllamaGenerateResponse;
    if (first) {
      created = createdSeconds(line.created_at);
      first = false;
    }
    const text = line.response ?? '';
    const logprobs = line.logprobs ? completionLogprobs(line.logprobs, offset) : null;
    offset += text.length;
    if (line.done) {
      yield chunk([{ index: 0, text, logprobs, finish_reason: textFinishReason(line.done_reason) }]);
      if (opts.includeUsage) yield { ...chunk([]), usage: usageOf(line) };
      finished = true;
    } else if (text !== '' || logprobs) {
      yield chunk([{ index: 0, text, logprobs, finish_reason: null }]);
    }
  }
  if (!finished) throw ollamaProtocolError('the stream ended before its final line (done: true)');
}

/**
 * Rejects non-object lines and turns `{"error": ...}` lines into errors (Ollama API docs, Streaming responses:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#streaming-responses).
 */
function checkLine(value: unknown): OllamaMetrics {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ollamaProtocolError('an NDJSON line is not a JSON object');
  }
  if ('error' in value) throw ollamaLineError((value as { error: unknown }).error);
  return value as OllamaMetrics;
}
