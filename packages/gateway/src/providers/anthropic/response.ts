/**
 * Anthropic Messages response → OpenAI `chat.completion` (Anthropic API reference, Messages:
 * https://docs.anthropic.com/en/api/messages), plus the stop-reason and usage mappings the stream translation shares.
 */
import type {
  ChatCompletion,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { UpstreamError } from '../../core/errors.js';
import type { FinishReason } from '../../protocols/openai/chat-chunks.js';

/** Anthropic `usage` (Anthropic API reference, Messages); nullable counts are treated as 0. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** A Messages API `Message` (Anthropic API reference, Messages). */
export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  content: { type: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason: string | null;
  usage?: AnthropicUsage;
}

/** `stop_reason` (Anthropic API reference, Messages) → `finish_reason`; `pause_turn` and unknown reasons → `stop`. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  model_context_window_exceeded: 'length',
  pause_turn: 'stop',
};

/** Maps an Anthropic `stop_reason` to an OpenAI `finish_reason` (Anthropic API reference, Messages table). */
export function finishReason(stopReason: string | null | undefined): FinishReason {
  return FINISH_REASONS[stopReason ?? ''] ?? 'stop';
}

/**
 * Usage (Anthropic API reference, Messages): prompt = input + cache creation + cache read; completion = output;
 * `prompt_tokens_details.cached_tokens` = cache read.
 */
export function openAIUsage(usage: AnthropicUsage): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/**
 * Builds the OpenAI chat completion: text blocks joined into `content` (null when none), `tool_use`
 * blocks as `tool_calls` with their ids, `thinking` blocks as the non-standard `reasoning_content`.
 * @param message the upstream JSON
 * @param model the model id the client asked for
 * @param created Unix seconds
 * @throws UpstreamError 502 when the upstream body is not a Message
 */
export function fromAnthropicMessage(message: unknown, model: string, created: number): ChatCompletion {
  const msg = message as AnthropicMessageResponse;
  if (typeof msg?.id !== 'string' || !Array.isArray(msg.content)) {
    throw new UpstreamError(502, 'Anthropic returned a response that is not a message', {
      failure: 'protocol',
    });
  }
  const text = msg.content.filter((b) => b.type === 'text').map((b) => b.text ?? '');
  const thinking = msg.content.filter((b) => b.type === 'thinking').map((b) => b.thinking ?? '');
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = msg.content
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: b.id ?? '',
      type: 'function',
      function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) },
    }));
  return {
    id: msg.id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length > 0 ? text.join('') : null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(thinking.length > 0 ? { reasoning_content: thinking.join('') } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(msg.stop_reason),
      },
    ],
    usage: openAIUsage(msg.usage ?? {}),
  };
}
