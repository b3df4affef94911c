/**
 * `/api/chat` responses → OpenAI chat completions and chunks (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go): string tool-call arguments with stable ids,
 * `thinking` as `reasoning`, usage from the final line's metrics, which are also kept under their wire names.
 */

import type { OllamaChatResponse, OllamaLogprob, OllamaMetrics, OllamaToolCall } from '@switchyard/wire';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionTokenLogprob,
} from 'openai/resources/chat/completions';
import { finishReasonOf, metricsOf, newId, newToolCallId, unixSeconds, usageOf } from './common.js';

/** A non-streamed `/api/chat` response as a `chat.completion`, with the timing metrics under their wire names. */
export function toChatCompletion(native: OllamaChatResponse): ChatCompletion & OllamaMetrics {
  const message = native.message;
  const toolCalls = (message?.tool_calls ?? []).map(toToolCall);
  const content = message?.content ?? '';
  const reasoning = message?.thinking ? { reasoning: message.thinking } : {};
  return {
    id: newId('chatcmpl'),
    object: 'chat.completion',
    created: unixSeconds(native.created_at),
    model: native.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && content === '' ? null : content,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...reasoning,
        },
        logprobs: native.logprobs ? { content: toTokenLogprobs(native.logprobs), refusal: null } : null,
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : finishReasonOf(native.done_reason),
      },
    ],
    usage: usageOf(native),
    ...metricsOf(native),
  };
}

/**
 * Converts `/api/chat` NDJSON lines into OpenAI chunks as they arrive: the first chunk carries the role, each
 * line its content/reasoning/tool-call deltas, then a finish chunk (`delta: {}`), then — when `includeUsage`
 * — a `choices: []` usage chunk. Every chunk shares the first line's `created` and one id.
 */
export async function* toChatChunks(
  lines: AsyncIterable<OllamaChatResponse>,
  includeUsage: boolean,
): AsyncGenerator<ChatCompletionChunk> {
  const id = newId('chatcmpl');
  let created: number | undefined;
  let first = true;
  let toolIndex = 0;
  for await (const line of lines) {
    created ??= unixSeconds(line.created_at);
    const base = { id, object: 'chat.completion.chunk' as const, created, model: line.model };
    const usage = includeUsage ? { usage: null } : {};
    const message = line.message;
    const delta: ChatCompletionChunk.Choice.Delta & { reasoning?: string } = first
      ? { role: 'assistant' }
      : {};
    if (message?.content || first) delta.content = message?.content ?? '';
    if (message?.thinking) delta.reasoning = message.thinking;
    if (message?.tool_calls?.length) {
      delta.tool_calls = message.tool_calls.map((call) => {
        const { id, function: fn } = toToolCall(call);
        return { index: toolIndex++, id, type: 'function' as const, function: fn };
      });
    }
    const logprobs = line.logprobs?.length
      ? { content: toTokenLogprobs(line.logprobs), refusal: null }
      : null;
    if (first || delta.content || delta.reasoning || delta.tool_calls) {
      yield { ...base, choices: [{ index: 0, delta, logprobs, finish_reason: null }], ...usage };
    }
    first = false;
    if (line.done) {
      const finish = toolIndex > 0 ? 'tool_calls' : finishReasonOf(line.done_reason);
      yield {
        ...base,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }],
        ...usage,
        ...metricsOf(line),
      };
      if (includeUsage) yield { ...base, choices: [], usage: usageOf(line) };
      return;
    }
  }
}

function toToolCall(call: OllamaToolCall): ChatCompletionMessageFunctionToolCall {
  return {
    id: call.id ?? newToolCallId(),
    type: 'function',
    function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
  };
}

/**
 * Ollama's logprob items already have OpenAI's `{token, logprob, bytes, top_logprobs}` shape (Ollama API docs,
 * Generate a chat completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export function toTokenLogprobs(items: OllamaLogprob[]): ChatCompletionTokenLogprob[] {
  return items.map((item) => ({
    token: item.token,
    logprob: item.logprob,
    bytes: item.bytes ?? null,
    top_logprobs: (item.top_logprobs ?? []).map((t) => ({
      token: t.token,
      logprob: t.logprob,
      bytes: t.bytes ?? null,
    })),
  }));
}
