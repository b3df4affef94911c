/**
 * Builders for `chat.completion.chunk` objects (OpenAI API reference, The chat completion chunk object:
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming) used by translating providers.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/** OpenAI `finish_reason` values of a chat choice. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** The delta of one streamed choice, plus the non-standard `reasoning_content` for thinking text. */
export type ChunkDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

/**
 * Makes the chunks of one streamed chat completion: same `id`, `created` and `model` on every chunk; when the
 * client asked for `stream_options.include_usage`, normal chunks carry `usage: null` and the usage chunk has
 * `choices: []` (OpenAI API reference, The chat completion chunk object).
 */
export class ChatChunkFactory {
  /**
   * @param id completion id shared by all chunks
   * @param model the model id the client asked for
   * @param includeUsage the client's `stream_options.include_usage`
   * @param created Unix seconds
   */
  constructor(
    readonly id: string,
    readonly model: string,
    readonly includeUsage: boolean,
    readonly created: number,
  ) {}

  /** A chunk with one choice. */
  delta(index: number, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }

  /** The usage chunk sent before `[DONE]`: empty `choices`. */
  usage(usage: CompletionUsage): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage,
    };
  }
}
