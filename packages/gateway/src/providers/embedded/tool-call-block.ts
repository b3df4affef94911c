import { newId } from '../../core/ids.js';
import type { ToolCallDelta } from './forced-tool-call.js';

/** `{"name": "…", "arguments": ` (or Llama 3's `"parameters"`) up to the value's first character. */
const HEAD = /^\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"(?:arguments|parameters)"\s*:\s*(?=\S)/;

/**
 * One tool call a model writes as a JSON object `{"name": …, "arguments": …}` (Hermes / Qwen inside
 * `<tool_call>` tags, Llama 3 with `"parameters"`, Mistral array items), turned into OpenAI `tool_calls`
 * deltas for call number `index`: a first delta with a fresh `call_…` id, `type` and `name` as soon as the
 * name is written (when the name comes first), then the arguments' text as it arrives. A `}` followed only
 * by whitespace is held back, as it may close the call object rather than the arguments.
 */
export class ToolCallBlock {
  private text = '';
  private sent = 0;
  private id: string | undefined;

  constructor(private readonly index: number) {}

  /** Adds text of the call object; returns the deltas it completes. */
  push(piece: string): ToolCallDelta[] {
    this.text += piece;
    const out: ToolCallDelta[] = [];
    if (this.id === undefined) {
      const head = HEAD.exec(this.text);
      if (!head) return out;
      this.id = newId('call_');
      this.sent = head[0].length;
      out.push(this.header(JSON.parse(head[1]!) as string));
    }
    const end = this.safeEnd();
    if (end > this.sent) {
      out.push({ index: this.index, function: { arguments: this.text.slice(this.sent, end) } });
      this.sent = end;
    }
    return out;
  }

  /**
   * Ends the call object.
   * @returns the last deltas, or `undefined` when the text is not a tool call (no name was ever written
   *   and the whole text is not a `{"name", "arguments"}` object): the caller shows it as text
   */
  close(): ToolCallDelta[] | undefined {
    if (this.id === undefined) {
      const call = parseCallObject(this.text);
      if (!call) return undefined;
      this.id = newId('call_');
      return [
        this.header(call.name),
        ...(call.arguments ? [{ index: this.index, function: { arguments: call.arguments } }] : []),
      ];
    }
    const close = this.text.lastIndexOf('}');
    const end = trimEnd(this.text, close >= this.sent ? close : this.text.length);
    return end > this.sent
      ? [{ index: this.index, function: { arguments: this.text.slice(this.sent, end) } }]
      : [];
  }

  /**
   * Where the text that is surely argument text ends: before the last `}` when only whitespace follows it
   * (it may close the call object), else at the end; trailing whitespace is held back too.
   */
  private safeEnd(): number {
    const close = this.text.lastIndexOf('}');
    const closesCall = close >= 0 && !/\S/.test(this.text.slice(close + 1));
    return trimEnd(this.text, closesCall ? close : this.text.length);
  }

  /** The raw text given so far (for a block that turns out not to be a call). */
  get raw(): string {
    return this.text;
  }

  private header(name: string): ToolCallDelta {
    return { index: this.index, id: this.id!, type: 'function', function: { name, arguments: '' } };
  }
}

/** Position before the whitespace that ends `text[0, end)`. */
function trimEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  return at;
}

/**
 * A complete call object in any key order: `{"name", "arguments" | "parameters"}`; arguments given as an
 * object are re-serialised, a string is kept as the model wrote it.
 */
export function parseCallObject(text: string): { name: string; arguments: string } | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown; arguments?: unknown; parameters?: unknown };
    if (typeof value?.name !== 'string') return undefined;
    const args = value.arguments ?? value.parameters ?? {};
    return { name: value.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
  } catch {
    return undefined;
  }
}
