import { newId } from '../../core/ids.js';

/**
 * An OpenAI `tool_calls[]` entry (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create): `arguments` is a JSON string.
 */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A streamed `tool_calls[]` delta: the first carries id, type and name; later ones argument text. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

/** `{"name":"…","arguments":` as the compact tool-call grammar writes it (grammar.ts). */
const HEAD = /^\{"name":("(?:[^"\\]|\\.)*"),"arguments":/;
const NAME = /^\{"name":"((?:[^"\\]|\\.)*)/;

/**
 * Reads what a forced tool call's grammar produced, complete or cut by `max_tokens`: the grammar writes
 * `{"name":"<name>","arguments":<arguments JSON>}` with no whitespace, so a cut call is still a call of a
 * known function with the argument text written so far (OpenAI returns such a call with
 * `finish_reason: "length"`).
 * @param names the functions the grammar allows; when the text is cut inside the name, the one name it
 *   can still become is used
 * @returns undefined when the name cannot be known yet
 */
export function readForcedToolCall(text: string, names: readonly string[]): ToolCall | undefined {
  const head = HEAD.exec(text);
  let name: string | undefined;
  let args = '';
  if (head) {
    name = JSON.parse(head[1]!) as string;
    const rest = text.slice(head[0].length);
    args = rest.endsWith('}') && isJson(rest.slice(0, -1)) ? rest.slice(0, -1) : rest;
  } else {
    const prefix = NAME.exec(text)?.[1] ?? (text === '' || '{"name":"'.startsWith(text) ? '' : undefined);
    const candidates = prefix === undefined ? [] : names.filter((n) => n.startsWith(prefix));
    if (candidates.length === 1) name = candidates[0];
  }
  if (name === undefined) return undefined;
  return { id: newId('call_'), type: 'function', function: { name, arguments: args } };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns a forced tool call's text, as it is generated, into incremental `tool_calls` deltas: one with
 * `id`, `type` and `name` once the name is complete, then the arguments' text as it arrives. The last
 * character is held back until the next text or {@link finish}, as it may be the call object's own `}`.
 */
export class ForcedToolCallStream {
  private text = '';
  private sent = 0;
  private id: string | undefined;

  /** Adds generated text; returns the deltas it completes (none while the name is still incomplete). */
  push(piece: string): ToolCallDelta[] {
    this.text += piece;
    const head = HEAD.exec(this.text);
    if (!head) return [];
    const out: ToolCallDelta[] = [];
    if (this.id === undefined) {
      this.id = newId('call_');
      this.sent = head[0].length;
      out.push({
        index: 0,
        id: this.id,
        type: 'function',
        function: { name: JSON.parse(head[1]!) as string, arguments: '' },
      });
    }
    const end = this.text.length - 1;
    if (end > this.sent) {
      out.push({ index: 0, function: { arguments: this.text.slice(this.sent, end) } });
      this.sent = end;
    }
    return out;
  }

  /**
   * Ends the call: the held-back character is dropped when it closes a complete call object, else
   * (a call cut by `max_tokens`) sent as argument text.
   * @param names as {@link readForcedToolCall}, for a call cut before its name was complete
   * @returns the last deltas; a call whose name was never known gives none
   */
  finish(names: readonly string[]): ToolCallDelta[] {
    if (this.id === undefined) {
      const call = readForcedToolCall(this.text, names);
      if (!call) return [];
      return [
        {
          index: 0,
          id: call.id,
          type: 'function',
          function: { name: call.function.name, arguments: call.function.arguments },
        },
      ];
    }
    const rest = this.text.slice(this.sent);
    if (rest === '}' && isJson(this.text)) return [];
    return rest ? [{ index: 0, function: { arguments: rest } }] : [];
  }
}
