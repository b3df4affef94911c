/**
 * Canonical OpenAI `chat.completion.chunk` objects → Anthropic Messages stream events (Anthropic API
 * reference, Streaming Messages: https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 *
 * ```
 * message_start (usage.input_tokens, the prompt's tokens where known) · ping
 * content_block_start · content_block_delta (text_delta | thinking_delta | input_json_delta)… · content_block_stop
 * …one block after the other, indexes 0, 1, 2…
 * message_delta (stop_reason, stop_sequence, usage.output_tokens) · message_stop
 * ```
 *
 * Blocks never interleave: a delta of another kind (text after a tool call, a second tool call) closes the
 * open block and opens the next one. Tool-call arguments are sent as `input_json_delta` fragments as they
 * arrive.
 */
import { UpstreamError } from '../../core/errors.js';
import { type ChatUsage, messageUsage, type StopReason, stopReason } from './chat-to-message.js';
import { anthropicToolId } from './tool-ids.js';

/** One SSE frame: `event: <type>` and the JSON data whose `type` repeats it. */
export function sseEvent(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `ping` frame (sent after `message_start` and while waiting for the upstream). */
export const PING_EVENT = sseEvent('ping', { type: 'ping' });

/** What the transcoder is told about the message. */
export interface MessageStreamOptions {
  /** The `msg_…` id of the message. */
  id: string;
  /** The model id the client asked for. */
  model: string;
  /** The client's `stop_sequences`, to report which one matched. */
  stopSequences: readonly string[];
  /**
   * Tokens of the prompt, when the provider counted them before answering: `message_start` reports them
   * (OpenAI streams carry usage only in their last chunk). Else the first chunk's usage, else 0.
   */
  inputTokens?: number;
}

/** A canonical chunk's fields read here. */
interface Chunk {
  choices?: {
    index?: number;
    delta?: {
      content?: unknown;
      reasoning_content?: unknown;
      reasoning?: unknown;
      tool_calls?: { index?: number; id?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
    };
    finish_reason?: unknown;
    stop_reason?: unknown;
  }[];
  usage?: ChatUsage | null;
}

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

/**
 * Turns the chunks of one chat completion (choice 0) into Anthropic event frames. Feed every chunk to
 * {@link push}, then call {@link finish} once the chunks end; each returns the frames to write ('' when
 * none).
 */
export class MessageStreamTranscoder {
  private started = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  private readonly toolsSeen = new Set<number>();
  private hasToolCalls = false;
  private finishReason: unknown;
  private matchedStop: unknown;
  private usage: ChatUsage | null | undefined;

  constructor(private readonly options: MessageStreamOptions) {}

  /**
   * The frames for one chunk: `message_start` and a `ping` before the first, block events as deltas come.
   * @throws UpstreamError 502 when a tool call's arguments arrive after its block was closed (Anthropic
   *   blocks cannot be reopened)
   */
  push(value: unknown): string {
    const chunk = value as Chunk;
    let out = this.started ? '' : this.start(chunk.usage);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return out;
    const delta = choice.delta;
    if (delta) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '') {
        out += this.ensure('thinking');
        out += this.delta({ type: 'thinking_delta', thinking: reasoning });
      }
      if (typeof delta.content === 'string' && delta.content !== '') {
        out += this.ensure('text');
        out += this.delta({ type: 'text_delta', text: delta.content });
      }
      for (const call of delta.tool_calls ?? []) out += this.toolDelta(call);
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.finishReason = choice.finish_reason;
      this.matchedStop = choice.stop_reason;
    }
    return out;
  }

  /** The closing frames: the open block's `content_block_stop`, `message_delta` (with usage), `message_stop`. */
  finish(): string {
    let out = this.started ? '' : this.start(undefined);
    out += this.close();
    const { stop_reason, stop_sequence } = stopReason(
      this.finishReason,
      this.hasToolCalls,
      this.matchedStop,
      this.options.stopSequences,
    );
    const usage = messageUsage(this.usage);
    out += sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason, stop_sequence },
      usage: {
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
      },
    });
    out += sseEvent('message_stop', { type: 'message_stop' });
    return out;
  }

  /** The stop reason {@link finish} reports (for logs and tests). */
  get stopReason(): StopReason {
    return stopReason(this.finishReason, this.hasToolCalls, this.matchedStop, this.options.stopSequences)
      .stop_reason;
  }

  private start(usage: ChatUsage | null | undefined): string {
    this.started = true;
    const known = messageUsage(usage);
    return (
      sseEvent('message_start', {
        type: 'message_start',
        message: {
          id: this.options.id,
          type: 'message',
          role: 'assistant',
          model: this.options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: usage ? known.input_tokens : (this.options.inputTokens ?? 0),
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: known.cache_read_input_tokens,
          },
        },
      }) + PING_EVENT
    );
  }

  private toolDelta(
    call: NonNullable<NonNullable<NonNullable<Chunk['choices']>[number]['delta']>['tool_calls']>[number],
  ): string {
    const toolIndex = call.index ?? 0;
    let out = '';
    const isOpen = this.open?.kind === 'tool' && this.open.toolIndex === toolIndex;
    if (!isOpen) {
      if (this.toolsSeen.has(toolIndex)) {
        throw new UpstreamError(502, `the upstream interleaved the arguments of tool call ${toolIndex}`, {
          failure: 'protocol',
        });
      }
      this.toolsSeen.add(toolIndex);
      this.hasToolCalls = true;
      out += this.close();
      out += sseEvent('content_block_start', {
        type: 'content_block_start',
        index: this.nextIndex,
        content_block: {
          type: 'tool_use',
          id: anthropicToolId(call.id),
          name: String(call.function?.name ?? ''),
          input: {},
        },
      });
      this.open = { kind: 'tool', toolIndex };
    }
    const args = call.function?.arguments;
    if (typeof args === 'string' && args !== '')
      out += this.delta({ type: 'input_json_delta', partial_json: args });
    return out;
  }

  /** Opens a text or thinking block unless one of that kind is open. */
  private ensure(kind: 'text' | 'thinking'): string {
    if (this.open?.kind === kind) return '';
    const out = this.close();
    this.open = { kind };
    const block =
      kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return `${out}${sseEvent('content_block_start', { type: 'content_block_start', index: this.nextIndex, content_block: block })}`;
  }

  private delta(delta: object): string {
    return sseEvent('content_block_delta', { type: 'content_block_delta', index: this.nextIndex, delta });
  }

  private close(): string {
    if (!this.open) return '';
    this.open = undefined;
    const index = this.nextIndex++;
    return sseEvent('content_block_stop', { type: 'content_block_stop', index });
  }
}
