/**
 * The event stream of a stored response, for `GET /v1/responses/{id}?stream=true` (OpenAI API reference,
 * Responses, Get a model response, `stream`: https://platform.openai.com/docs/api-reference/responses/get): the
 * same semantic events a live stream sends (chunks-to-events.ts), each item's text in one delta, with the stored
 * ids, numbered from 0; `starting_after` skips the events up to that sequence number.
 */
import type { ResponseEvent } from './chunks-to-events.js';

type Item = Record<string, unknown>;

/**
 * @param response the stored response object
 * @param startingAfter sequence number after which to start (undefined: from the first event)
 */
export function replayEvents(response: Record<string, unknown>, startingAfter?: number): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const add = (type: string, fields: Record<string, unknown>) =>
    events.push({ type, sequence_number: events.length, ...fields });
  const shell = { ...response, status: 'in_progress', output: [], usage: null };
  add('response.created', { response: shell });
  add('response.in_progress', { response: shell });
  ((response.output as Item[] | undefined) ?? []).forEach((item, index) => {
    const at = { item_id: item.id, output_index: index };
    if (item.type === 'message') {
      add('response.output_item.added', {
        output_index: index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      ((item.content as Item[] | undefined) ?? []).forEach((part, content_index) => {
        if (part.type !== 'output_text') return;
        add('response.content_part.added', { ...at, content_index, part: { ...part, text: '' } });
        add('response.output_text.delta', { ...at, content_index, delta: part.text, logprobs: [] });
        add('response.output_text.done', { ...at, content_index, text: part.text, logprobs: [] });
        add('response.content_part.done', { ...at, content_index, part });
      });
    } else if (item.type === 'function_call') {
      add('response.output_item.added', {
        output_index: index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      add('response.function_call_arguments.delta', { ...at, delta: item.arguments });
      add('response.function_call_arguments.done', { ...at, arguments: item.arguments, name: item.name });
    } else if (item.type === 'reasoning') {
      add('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
      ((item.summary as Item[] | undefined) ?? []).forEach((part, summary_index) => {
        add('response.reasoning_summary_part.added', { ...at, summary_index, part: { ...part, text: '' } });
        add('response.reasoning_summary_text.delta', { ...at, summary_index, delta: part.text });
        add('response.reasoning_summary_text.done', { ...at, summary_index, text: part.text });
        add('response.reasoning_summary_part.done', { ...at, summary_index, part });
      });
    } else {
      add('response.output_item.added', { output_index: index, item });
    }
    add('response.output_item.done', { output_index: index, item });
  });
  add(finalEventType(response.status), { response });
  return startingAfter === undefined ? events : events.filter((e) => e.sequence_number > startingAfter);
}

function finalEventType(status: unknown): string {
  if (status === 'incomplete') return 'response.incomplete';
  if (status === 'failed') return 'response.failed';
  if (status === 'in_progress' || status === 'queued') return 'response.in_progress';
  return 'response.completed';
}
