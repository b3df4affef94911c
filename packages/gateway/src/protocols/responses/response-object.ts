/**
 * The Responses API response object (OpenAI API reference, Responses, The response object:
 * https://platform.openai.com/docs/api-reference/responses/object): its envelope echoes the request, its
 * `output`, `status` and `usage` come from the chat completion the provider gave.
 */
import type { ToolName } from './tools-to-chat.js';

/** What every response object of one request shares. */
export interface ResponseContext {
  /** `resp_…`. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The model id the client asked for. */
  model: string;
  /** The client's request. */
  request: Record<string, unknown>;
  /** Chat tool name → Responses function name and namespace. */
  toolNames: ReadonlyMap<string, ToolName>;
}

/** Statuses of a response. */
export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

/** Why a response is `incomplete`, from the chat `finish_reason` (`length`, `content_filter`). */
export function incompleteReason(finishReason: unknown): string | undefined {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

/**
 * A response object in `status`, with `output` and `usage` (null while in progress) and, for `failed`, the error.
 */
export function responseObject(
  context: ResponseContext,
  status: ResponseStatus,
  output: readonly Record<string, unknown>[],
  usage: Record<string, unknown> | null,
  details: { incompleteReason?: string; error?: { code: string; message: string } } = {},
): Record<string, unknown> {
  const r = context.request;
  return {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status,
    background: r.background === true,
    error: details.error ?? null,
    incomplete_details: details.incompleteReason ? { reason: details.incompleteReason } : null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    max_tool_calls: r.max_tool_calls ?? null,
    model: context.model,
    output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    prompt_cache_key: r.prompt_cache_key ?? null,
    reasoning: { effort: null, summary: null, ...(r.reasoning as object | undefined) },
    safety_identifier: r.safety_identifier ?? null,
    service_tier: 'default',
    store: r.store !== false,
    temperature: r.temperature ?? null,
    text: { format: { type: 'text' }, ...(r.text as object | undefined) },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_logprobs: r.top_logprobs ?? 0,
    top_p: r.top_p ?? null,
    truncation: r.truncation ?? 'disabled',
    usage,
    user: r.user ?? null,
    metadata: r.metadata ?? {},
  };
}

/**
 * Chat completion `usage` as Responses `usage` (`input_tokens`, `output_tokens`, `total_tokens`, with cached and
 * reasoning token details, 0 when the provider reports none).
 */
export function responseUsage(usage: unknown): Record<string, unknown> {
  const u = (usage ?? {}) as {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens ?? input + output,
  };
}

/** A `function_call` output item for a chat tool call (the flattened name split back into namespace and name). */
export function functionCallItem(
  id: string,
  callId: string,
  chatName: string,
  args: string,
  status: 'in_progress' | 'completed',
  toolNames: ReadonlyMap<string, ToolName>,
): Record<string, unknown> {
  const name = toolNames.get(chatName) ?? { name: chatName };
  return {
    id,
    type: 'function_call',
    status,
    arguments: args,
    call_id: callId,
    name: name.name,
    ...(name.namespace ? { namespace: name.namespace } : {}),
  };
}
