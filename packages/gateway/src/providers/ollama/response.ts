/**
 * Ollama native responses → OpenAI objects (Ollama's own OpenAI translation, openai/openai.go:
 * https://github.com/ollama/ollama/blob/main/openai/openai.go; OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object; OpenAI API reference, The completion object:
 * https://platform.openai.com/docs/api-reference/completions/object; OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create). Shared by the non-streaming mappers here and the
 * stream translator (stream.ts).
 */

import {
  completionLogprobs,
  type OllamaChatResponse,
  type OllamaGenerateResponse,
  type OllamaLogprob,
  type OllamaMessage,
  type OllamaMetrics,
  type OllamaToolCall,
} from '@switchyard/wire';
import type {
  ChatCompletion,
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionTokenLogprob,
} from 'openai/resources/chat/completions';
import type { Completion, CompletionUsage } from 'openai/resources/completions';
import { newId, unixSeconds } from '../../core/ids.js';

/** An OpenAI finish reason Ollama can produce. */
export type OllamaFinishReason = 'stop' | 'length' | 'tool_calls';

/** A chat message with the reasoning text that Ollama calls `thinking`. */
export type ReasoningMessage = ChatCompletionMessage & { reasoning_content?: string };

/** `created_at` (RFC 3339) → Unix seconds; the gateway's clock when absent or unparseable. */
export function createdSeconds(createdAt: string | undefined): number {
  const ms = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return Number.isNaN(ms) ? unixSeconds() : Math.floor(ms / 1000);
}

/**
 * Token counts of a final line: `prompt_eval_count` / `eval_count`, a missing count being 0 (Ollama API docs,
 * Conventions: https://github.com/ollama/ollama/blob/main/docs/api.md#conventions).
 */
export function usageOf(metrics: OllamaMetrics): CompletionUsage {
  const prompt = metrics.prompt_eval_count ?? 0;
  const completion = metrics.eval_count ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * `done_reason` → `finish_reason`: `length` stays; `stop` (or none) becomes `tool_calls` when the turn
 * called tools, since Ollama keeps `stop` then (Ollama API docs, Generate a chat completion:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; Ollama's own OpenAI translation,
 * openai/openai.go: https://github.com/ollama/ollama/blob/main/openai/openai.go).
 */
export function finishReason(doneReason: string | undefined, calledTools: boolean): OllamaFinishReason {
  const reason = textFinishReason(doneReason);
  return reason === 'stop' && calledTools ? 'tool_calls' : reason;
}

/** `done_reason` → `finish_reason` for `/api/generate`: `length` stays, anything else (or none) is `stop`. */
export function textFinishReason(doneReason: string | undefined): 'stop' | 'length' {
  return doneReason === 'length' ? 'length' : 'stop';
}

/**
 * One Ollama tool call → OpenAI's: `arguments` object → JSON string (`"{}"` when empty or absent), the
 * upstream id kept, or `call_…` generated for servers older than v0.12.10 (Ollama API docs, Generate a chat
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
 */
export function openAIToolCall(call: OllamaToolCall): ChatCompletionMessageFunctionToolCall {
  const args = call.function.arguments;
  return {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : newId('call_'),
    type: 'function',
    function: {
      name: call.function.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    },
  };
}

/** Ollama's `logprobs` list → OpenAI chat `logprobs.content` (same item shape; `bytes` filled in when absent). */
export function chatLogprobs(list: OllamaLogprob[]): ChatCompletionTokenLogprob[] {
  return list.map((item) => ({
    token: item.token,
    logprob: item.logprob,
    bytes: item.bytes ?? utf8Bytes(item.token),
    top_logprobs: (item.top_logprobs ?? []).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: top.bytes ?? utf8Bytes(top.token),
    })),
  }));
}

/**
 * A whole `/api/chat` response (`stream: false`) → `chat.completion`. `content` is null when the turn only
 * called tools; `thinking` → `reasoning_content`.
 * @param model the response's `model`: the model id the client asked for
 */
export function chatCompletion(res: OllamaChatResponse, model: string): ChatCompletion {
  const msg: Partial<OllamaMessage> = res.message ?? {};
  const toolCalls = (msg.tool_calls ?? []).map(openAIToolCall);
  const content = msg.content ?? '';
  const message: ReasoningMessage = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
  };
  if (msg.thinking) message.reasoning_content = msg.thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: createdSeconds(res.created_at),
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs: res.logprobs ? { content: chatLogprobs(res.logprobs), refusal: null } : null,
        finish_reason: finishReason(res.done_reason, toolCalls.length > 0),
      },
    ],
    usage: usageOf(res),
  };
}

/**
 * A whole `/api/generate` response (`stream: false`) → `text_completion` (OpenAI API reference, The completion
 * object: https://platform.openai.com/docs/api-reference/completions/object).
 * @param model the response's `model`: the model id the client asked for
 */
export function textCompletion(res: OllamaGenerateResponse, model: string): Completion {
  return {
    id: newId('cmpl-'),
    object: 'text_completion',
    created: createdSeconds(res.created_at),
    model,
    choices: [
      {
        index: 0,
        text: res.response ?? '',
        logprobs: res.logprobs ? completionLogprobs(res.logprobs, 0) : null,
        finish_reason: textFinishReason(res.done_reason),
      },
    ],
    usage: usageOf(res),
  };
}

function utf8Bytes(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}
