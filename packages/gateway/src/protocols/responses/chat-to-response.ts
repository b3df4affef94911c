/**
 * A chat completion (OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object) as a Responses API response object: the provider's
 * reasoning (`reasoning_content`) as a `reasoning` item with a summary, the text as a `message` item with one
 * `output_text` part (or a `refusal` part), each tool call as a `function_call` item.
 */
import { UpstreamError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import {
  functionCallItem,
  incompleteReason,
  type ResponseContext,
  responseObject,
  responseUsage,
} from './response-object.js';

interface ChatMessage {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
}

/**
 * @throws UpstreamError 502 when the answer has no `choices[0].message`
 */
export function chatToResponse(completion: unknown, context: ResponseContext): Record<string, unknown> {
  const c = completion as { choices?: { message?: ChatMessage; finish_reason?: unknown }[]; usage?: unknown };
  const choice = c?.choices?.[0];
  if (!choice?.message) {
    throw new UpstreamError(502, 'the upstream answer is not a chat completion', { failure: 'protocol' });
  }
  const reason = incompleteReason(choice.finish_reason);
  const m = choice.message;
  const output: Record<string, unknown>[] = [];
  if (m.reasoning_content) output.push(reasoningItem(newId('rs_'), m.reasoning_content));
  if (m.content || m.refusal) {
    output.push(messageItem(newId('msg_'), m.content ?? '', reason ? 'incomplete' : 'completed', m.refusal));
  }
  for (const call of m.tool_calls ?? []) {
    output.push(
      functionCallItem(
        newId('fc_'),
        call.id ?? newId('call_'),
        call.function?.name ?? '',
        call.function?.arguments ?? '',
        'completed',
        context.toolNames,
      ),
    );
  }
  return responseObject(context, reason ? 'incomplete' : 'completed', output, responseUsage(c.usage), {
    ...(reason ? { incompleteReason: reason } : {}),
  });
}

/** A `message` output item with one `output_text` part (and a `refusal` part when the model refused). */
export function messageItem(
  id: string,
  text: string,
  status: 'in_progress' | 'completed' | 'incomplete',
  refusal?: string | null,
): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (text || !refusal) content.push({ type: 'output_text', text, annotations: [], logprobs: [] });
  if (refusal) content.push({ type: 'refusal', refusal });
  return { id, type: 'message', status, role: 'assistant', content };
}

/** A `reasoning` output item whose summary is the provider's reasoning text. */
export function reasoningItem(id: string, text: string): Record<string, unknown> {
  return { id, type: 'reasoning', summary: [{ type: 'summary_text', text }] };
}
