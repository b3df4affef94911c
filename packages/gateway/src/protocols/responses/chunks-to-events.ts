/**
 * Chat completion chunks (OpenAI API reference, The chat completion chunk object:
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming) as the Responses API's semantic event
 * stream (OpenAI API reference, Responses, Streaming events:
 * https://platform.openai.com/docs/api-reference/responses-streaming): `response.created`, `response.in_progress`,
 * then per output item `response.output_item.added`, its parts and deltas (`response.content_part.added`,
 * `response.output_text.delta` / `.done`, `response.content_part.done`; `response.reasoning_summary_part.added`,
 * `response.reasoning_summary_text.delta` / `.done`, `response.reasoning_summary_part.done`;
 * `response.function_call_arguments.delta` / `.done`) and `response.output_item.done`, and last
 * `response.completed`, `response.incomplete` or `response.failed`. Every event carries a `sequence_number`
 * that increases by one from 0.
 */
import { newId } from '../../core/ids.js';
import { messageItem, reasoningItem } from './chat-to-response.js';
import {
  functionCallItem,
  incompleteReason,
  type ResponseContext,
  responseObject,
  responseUsage,
} from './response-object.js';

/** One Responses stream event. */
export type ResponseEvent = { type: string; sequence_number: number } & Record<string, unknown>;

interface TextItem {
  index: number;
  id: string;
  text: string;
}

interface CallItem {
  index: number;
  id: string;
  callId: string;
  name: string;
  args: string;
  open: boolean;
}

interface ChunkChoice {
  delta?: {
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
  };
  finish_reason?: unknown;
}

/** Turns one chat chunk stream into Responses events; one instance per response. */
export class ResponseStreamTranscoder {
  private sequence = 0;
  private readonly output: Record<string, unknown>[] = [];
  private reasoning: TextItem | undefined;
  private message: TextItem | undefined;
  private readonly calls = new Map<number, CallItem>();
  private finishReason: unknown;
  private usage: unknown;
  /** The final response object, once `finish` or `fail` ran. */
  final: Record<string, unknown> | undefined;

  constructor(private readonly context: ResponseContext) {}

  /** `response.created` and `response.in_progress`. */
  start(): ResponseEvent[] {
    const shell = responseObject(this.context, 'in_progress', [], null);
    return [
      this.event('response.created', { response: shell }),
      this.event('response.in_progress', { response: shell }),
    ];
  }

  /** The events one chunk adds. */
  push(chunk: unknown): ResponseEvent[] {
    const c = chunk as { choices?: ChunkChoice[]; usage?: unknown };
    if (c?.usage) this.usage = c.usage;
    const choice = c?.choices?.[0];
    if (!choice) return [];
    const events: ResponseEvent[] = [];
    const delta = choice.delta ?? {};
    if (delta.reasoning_content) {
      this.closeMessage(events);
      if (!this.reasoning) this.reasoning = this.openReasoning(events);
      this.reasoning.text += delta.reasoning_content;
      events.push(
        this.event(
          'response.reasoning_summary_text.delta',
          this.at(this.reasoning, { summary_index: 0, delta: delta.reasoning_content }),
        ),
      );
    }
    if (delta.content) {
      this.closeReasoning(events);
      if (!this.message) this.message = this.openMessage(events);
      this.message.text += delta.content;
      events.push(
        this.event(
          'response.output_text.delta',
          this.at(this.message, { content_index: 0, delta: delta.content, logprobs: [] }),
        ),
      );
    }
    for (const call of delta.tool_calls ?? []) {
      this.closeReasoning(events);
      this.closeMessage(events);
      const key = call.index ?? 0;
      let item = this.calls.get(key);
      if (!item) {
        item = {
          index: this.output.length,
          id: newId('fc_'),
          callId: call.id ?? newId('call_'),
          name: call.function?.name ?? '',
          args: '',
          open: true,
        };
        this.calls.set(key, item);
        this.output.push(this.callItem(item, 'in_progress'));
        events.push(
          this.event('response.output_item.added', {
            output_index: item.index,
            item: this.callItem(item, 'in_progress'),
          }),
        );
      }
      const args = call.function?.arguments;
      if (args) {
        item.args += args;
        events.push(this.event('response.function_call_arguments.delta', this.at(item, { delta: args })));
      }
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** Closes every open item and ends with `response.completed` (or `response.incomplete`); sets {@link final}. */
  finish(): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    this.closeAll(events);
    const reason = incompleteReason(this.finishReason);
    this.final = responseObject(
      this.context,
      reason ? 'incomplete' : 'completed',
      this.output,
      responseUsage(this.usage),
      {
        ...(reason ? { incompleteReason: reason } : {}),
      },
    );
    events.push(this.event(reason ? 'response.incomplete' : 'response.completed', { response: this.final }));
    return events;
  }

  /** Ends a stream that failed midway: `response.failed` with the error, then an `error` event; sets {@link final}. */
  fail(error: { code: string; message: string }): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    this.closeAll(events);
    this.final = responseObject(this.context, 'failed', this.output, responseUsage(this.usage), { error });
    events.push(this.event('response.failed', { response: this.final }));
    events.push(this.event('error', { code: error.code, message: error.message, param: null }));
    return events;
  }

  private closeAll(events: ResponseEvent[]): void {
    this.closeReasoning(events);
    this.closeMessage(events);
    for (const item of this.calls.values()) {
      if (!item.open) continue;
      item.open = false;
      events.push(
        this.event(
          'response.function_call_arguments.done',
          this.at(item, { arguments: item.args, name: item.name }),
        ),
      );
      this.output[item.index] = this.callItem(item, 'completed');
      events.push(
        this.event('response.output_item.done', { output_index: item.index, item: this.output[item.index] }),
      );
    }
  }

  private openReasoning(events: ResponseEvent[]): TextItem {
    const item = { index: this.output.length, id: newId('rs_'), text: '' };
    this.output.push({ id: item.id, type: 'reasoning', summary: [] });
    events.push(
      this.event('response.output_item.added', { output_index: item.index, item: this.output[item.index] }),
    );
    const part = { type: 'summary_text', text: '' };
    events.push(
      this.event('response.reasoning_summary_part.added', this.at(item, { summary_index: 0, part })),
    );
    return item;
  }

  private closeReasoning(events: ResponseEvent[]): void {
    const item = this.reasoning;
    if (!item) return;
    this.reasoning = undefined;
    const part = { type: 'summary_text', text: item.text };
    events.push(
      this.event(
        'response.reasoning_summary_text.done',
        this.at(item, { summary_index: 0, text: item.text }),
      ),
    );
    events.push(
      this.event('response.reasoning_summary_part.done', this.at(item, { summary_index: 0, part })),
    );
    this.output[item.index] = reasoningItem(item.id, item.text);
    events.push(
      this.event('response.output_item.done', { output_index: item.index, item: this.output[item.index] }),
    );
  }

  private openMessage(events: ResponseEvent[]): TextItem {
    const item = { index: this.output.length, id: newId('msg_'), text: '' };
    this.output.push({ id: item.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] });
    events.push(
      this.event('response.output_item.added', { output_index: item.index, item: this.output[item.index] }),
    );
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    events.push(this.event('response.content_part.added', this.at(item, { content_index: 0, part })));
    return item;
  }

  private closeMessage(events: ResponseEvent[]): void {
    const item = this.message;
    if (!item) return;
    this.message = undefined;
    const status = incompleteReason(this.finishReason) ? 'incomplete' : 'completed';
    events.push(
      this.event(
        'response.output_text.done',
        this.at(item, { content_index: 0, text: item.text, logprobs: [] }),
      ),
    );
    const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
    events.push(this.event('response.content_part.done', this.at(item, { content_index: 0, part })));
    this.output[item.index] = messageItem(item.id, item.text, status);
    events.push(
      this.event('response.output_item.done', { output_index: item.index, item: this.output[item.index] }),
    );
  }

  private callItem(item: CallItem, status: 'in_progress' | 'completed'): Record<string, unknown> {
    return functionCallItem(
      item.id,
      item.callId,
      item.name,
      status === 'completed' ? item.args : '',
      status,
      this.context.toolNames,
    );
  }

  private at(item: { id: string; index: number }, fields: Record<string, unknown>): Record<string, unknown> {
    return { item_id: item.id, output_index: item.index, ...fields };
  }

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }
}

/** One event as an SSE frame: `event: <type>` and `data: <JSON>`. */
export function eventFrame(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
