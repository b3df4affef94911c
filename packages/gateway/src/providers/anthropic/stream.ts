/**
 * Anthropic Messages SSE events → OpenAI chat chunks (Anthropic API reference, Streaming Messages:
 * https://docs.anthropic.com/en/api/messages-streaming).
 */
import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamError } from '../../core/errors.js';
import { ChatChunkFactory } from '../../protocols/openai/chat-chunks.js';
import { eventObject } from '../../upstream/sse-decode.js';
import type { ChatStreamOptions } from '../translated-chat.js';
import { anthropicStreamError } from './errors.js';
import { type AnthropicUsage, finishReason, openAIUsage } from './response.js';

/** What a content block (by Anthropic block index) turned into. */
type Block = { kind: 'text' | 'thinking' | 'other' } | { kind: 'tool'; toolIndex: number; argsSent: boolean };

/**
 * Translates the event sequence message_start … content_block_* … message_delta … message_stop:
 * the first chunk carries the role; `text_delta` → `content`; `thinking_delta` → `reasoning_content`;
 * each `tool_use` block → a tool call whose `index` counts tool_use blocks only, with its `input_json_delta`
 * fragments keyed by that index (a call whose fragments were all empty gets `{}`); `message_delta` → the
 * finish chunk; `message_stop` → the usage chunk (input from message_start, cumulative output from
 * message_delta) when requested. `ping` and unknown events are ignored.
 * @param events decoded SSE events
 * @throws UpstreamError for an `event: error` (status by error type, Anthropic API reference, Errors:
 *   https://docs.anthropic.com/en/api/errors), an unparseable event, or a stream that ends before `message_stop`
 */
export async function* anthropicChunks(
  events: AsyncIterable<EventSourceMessage>,
  options: ChatStreamOptions,
): AsyncGenerator<ChatCompletionChunk> {
  let chunks: ChatChunkFactory | undefined;
  const usage: AnthropicUsage = {};
  const blocks = new Map<number, Block>();
  let toolCount = 0;
  for await (const event of events) {
    const data = eventObject(event.data) ?? unparseable(event.data);
    const type = typeof data.type === 'string' ? data.type : event.event;
    if (type === 'error') throw anthropicStreamError(event.data);
    if (type === 'ping') continue;
    if (type === 'message_start') {
      const message = data.message as { id?: unknown; usage?: AnthropicUsage } | undefined;
      Object.assign(usage, message?.usage);
      chunks = new ChatChunkFactory(
        String(message?.id ?? ''),
        options.model,
        options.includeUsage,
        options.created,
      );
      yield chunks.delta(0, { role: 'assistant', content: '' });
      continue;
    }
    if (!chunks) throw protocolError(`event '${type}' arrived before message_start`);
    const index = typeof data.index === 'number' ? data.index : -1;
    switch (type) {
      case 'content_block_start': {
        const block = data.content_block as {
          type?: string;
          text?: string;
          thinking?: string;
          id?: string;
          name?: string;
        };
        if (block?.type === 'tool_use') {
          const toolIndex = toolCount++;
          blocks.set(index, { kind: 'tool', toolIndex, argsSent: false });
          yield chunks.delta(0, {
            tool_calls: [
              {
                index: toolIndex,
                id: block.id ?? '',
                type: 'function',
                function: { name: block.name ?? '', arguments: '' },
              },
            ],
          });
        } else if (block?.type === 'text') {
          blocks.set(index, { kind: 'text' });
          if (block.text) yield chunks.delta(0, { content: block.text });
        } else if (block?.type === 'thinking') {
          blocks.set(index, { kind: 'thinking' });
          if (block.thinking) yield chunks.delta(0, { reasoning_content: block.thinking });
        } else {
          blocks.set(index, { kind: 'other' });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = data.delta as {
          type?: string;
          text?: string;
          partial_json?: string;
          thinking?: string;
        };
        const block = blocks.get(index);
        if (delta?.type === 'text_delta' && delta.text) {
          yield chunks.delta(0, { content: delta.text });
        } else if (delta?.type === 'thinking_delta' && delta.thinking) {
          yield chunks.delta(0, { reasoning_content: delta.thinking });
        } else if (delta?.type === 'input_json_delta' && block?.kind === 'tool' && delta.partial_json) {
          block.argsSent = true;
          yield chunks.delta(0, {
            tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }],
          });
        }
        break;
      }
      case 'content_block_stop': {
        const block = blocks.get(index);
        if (block?.kind === 'tool' && !block.argsSent) {
          yield chunks.delta(0, { tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] });
        }
        break;
      }
      case 'message_delta': {
        mergeUsage(usage, data.usage as AnthropicUsage | undefined);
        const stop = (data.delta as { stop_reason?: string | null } | undefined)?.stop_reason;
        yield chunks.delta(0, {}, finishReason(stop));
        break;
      }
      case 'message_stop':
        if (options.includeUsage) yield chunks.usage(openAIUsage(usage));
        return;
    }
  }
  throw protocolError('the stream ended before message_stop');
}

/**
 * message_delta counts are cumulative and nullable (Anthropic API reference, Streaming Messages): non-null values
 * replace earlier ones.
 */
function mergeUsage(into: AnthropicUsage, from: AnthropicUsage | undefined): void {
  for (const [key, value] of Object.entries(from ?? {})) {
    if (typeof value === 'number') into[key as keyof AnthropicUsage] = value;
  }
}

function unparseable(data: string): never {
  throw protocolError(`unparseable event data: ${data.slice(0, 200)}`);
}

function protocolError(detail: string): UpstreamError {
  return new UpstreamError(502, `Anthropic stream is invalid: ${detail}`, { failure: 'protocol' });
}
