/**
 * Canonical OpenAI `chat.completion` → Anthropic `Message` (Anthropic API reference, Messages:
 * https://docs.anthropic.com/en/api/messages, "Response"), plus the stop-reason and usage mappings the
 * stream transcoder shares.
 */
import { UpstreamError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { anthropicToolId } from './tool-ids.js';

/** Anthropic `stop_reason` values the gateway produces. */
export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** Anthropic `usage` of a message (Messages reference, "usage"). Tokens. */
export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A canonical usage object (OpenAI chat completions "usage"). */
export interface ChatUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}

/** An Anthropic content block of a response. */
export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** An Anthropic `Message` (the non-streamed response body). */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: MessageUsage;
}

/**
 * `finish_reason` → `stop_reason`: `length` → `max_tokens`, `tool_calls` (or any finish of a turn that
 * holds tool calls, as some upstreams report `stop` then) → `tool_use`, `content_filter` → `refusal`,
 * `stop` → `stop_sequence` when the upstream names the matched stop sequence (vLLM's `stop_reason` choice
 * field) and it is one the client sent, else `end_turn`.
 * @param matched the choice's `stop_reason` field, when the upstream sets one
 * @param stopSequences the client's `stop_sequences`
 */
export function stopReason(
  finishReason: unknown,
  hasToolCalls: boolean,
  matched: unknown,
  stopSequences: readonly string[],
): { stop_reason: StopReason; stop_sequence: string | null } {
  if (hasToolCalls || finishReason === 'tool_calls' || finishReason === 'function_call') {
    return { stop_reason: 'tool_use', stop_sequence: null };
  }
  if (finishReason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null };
  if (finishReason === 'content_filter') return { stop_reason: 'refusal', stop_sequence: null };
  if (typeof matched === 'string' && stopSequences.includes(matched)) {
    return { stop_reason: 'stop_sequence', stop_sequence: matched };
  }
  return { stop_reason: 'end_turn', stop_sequence: null };
}

/**
 * Canonical usage → Anthropic usage: `input_tokens` excludes cached prompt tokens, which are reported as
 * `cache_read_input_tokens` (Anthropic counts the total input as the sum of the two).
 */
export function messageUsage(usage: ChatUsage | null | undefined): MessageUsage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** The choice fields read from a canonical completion. */
interface ChatChoice {
  finish_reason?: unknown;
  stop_reason?: unknown;
  message?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    tool_calls?: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }[] | null;
  };
}

/**
 * Builds the Message: a `thinking` block from `reasoning_content` (or `reasoning`), a `text` block when the
 * content is not empty, one `tool_use` block per tool call (arguments parsed; `toolu_` ids).
 * @param completion the canonical JSON answer
 * @param model the model id the client asked for
 * @param stopSequences the client's `stop_sequences`
 * @throws UpstreamError 502 when the answer is not a chat completion or a tool call's arguments are not JSON
 */
export function chatToMessage(
  completion: unknown,
  model: string,
  stopSequences: readonly string[],
): AnthropicMessage {
  const choice = (completion as { choices?: ChatChoice[] } | null)?.choices?.[0];
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new UpstreamError(502, 'the upstream answer is not a chat completion', { failure: 'protocol' });
  }
  const message = choice.message;
  const content: ResponseBlock[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  }
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: anthropicToolId(call.id),
      name: String(call.function?.name ?? ''),
      input: toolInput(call.function?.arguments),
    });
  }
  const hasTools = (message.tool_calls?.length ?? 0) > 0;
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    ...stopReason(choice.finish_reason, hasTools, choice.stop_reason, stopSequences),
    usage: messageUsage((completion as { usage?: ChatUsage }).usage),
  };
}

/**
 * A tool call's `arguments` string as the `input` object.
 * @throws UpstreamError 502 when it is not JSON
 */
export function toolInput(args: unknown): unknown {
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    throw new UpstreamError(502, 'the upstream returned tool call arguments that are not valid JSON', {
      failure: 'protocol',
    });
  }
}
