import { newId } from '../../core/ids.js';
import type { ToolCall, ToolCallDelta } from './forced-tool-call.js';
import { parseCallObject, ToolCallBlock } from './tool-call-block.js';

/**
 * Tool-call syntaxes of model families, detected from the chat template's own markers:
 * - `hermes`: Qwen2.5 / Qwen3, Hermes 2 Pro / 3 (`<tool_call>{"name": …, "arguments": …}</tool_call>`, one
 *   block per call; Qwen docs, Function Calling: https://qwen.readthedocs.io/en/latest/framework/function_call.html);
 * - `mistral`: Mistral / Mixtral instruct v0.3+ (`[TOOL_CALLS]` then a JSON array of calls, or
 *   `[TOOL_CALLS]name[ARGS]{…}` per call in the v11 tokenizer; Mistral docs, Function calling:
 *   https://docs.mistral.ai/capabilities/function_calling/);
 * - `llama3-json`: Llama 3.1 / 3.2 / 3.3 JSON tool calling (the reply is `{"name": …, "parameters": …}`,
 *   optionally after `<|python_tag|>`, several separated by `;`; Meta, Llama 3.1 model card, prompt format:
 *   https://www.llama.com/docs/model-cards-and-prompt-formats/llama3_1/).
 * Any other template: no format, the reply stays text.
 */
export type ToolCallFormat = 'hermes' | 'mistral' | 'llama3-json';

/** The family whose markers the chat template source uses, or undefined when it has none. */
export function detectToolCallFormat(template: string | undefined): ToolCallFormat | undefined {
  if (!template) return undefined;
  if (template.includes('<tool_call>')) return 'hermes';
  if (template.includes('[TOOL_CALLS]')) return 'mistral';
  if (template.includes('<|python_tag|>') || /"parameters": dictionary of argument name/.test(template)) {
    return 'llama3-json';
  }
  return undefined;
}

/** What the reply's text turns into: content text and tool-call deltas, as they become final. */
export interface ParsedPiece {
  content: string;
  toolCalls: ToolCallDelta[];
}

/** An incremental parser of one reply in one format. */
export interface ToolCallParser {
  push(text: string): ParsedPiece;
  finish(): ParsedPiece;
}

/** A parser for `format`; `parallel: false` keeps the first call only (`parallel_tool_calls: false`). */
export function toolCallParser(format: ToolCallFormat, parallel: boolean): ToolCallParser {
  const limit = parallel ? Number.POSITIVE_INFINITY : 1;
  if (format === 'hermes') return new TaggedParser('<tool_call>', '</tool_call>', limit);
  if (format === 'mistral') return new MarkerThenAllParser('[TOOL_CALLS]', limit, parseMistral);
  return new Llama3Parser(limit);
}

/**
 * Parses a whole reply (non-streamed answers) into content and OpenAI `tool_calls`.
 * @returns `content` null when only calls were written
 */
export function parseToolCalls(
  format: ToolCallFormat,
  parallel: boolean,
  text: string,
): { content: string | null; toolCalls: ToolCall[] } {
  const parser = toolCallParser(format, parallel);
  const pieces = [parser.push(text), parser.finish()];
  const content = pieces
    .map((p) => p.content)
    .join('')
    .trim();
  const calls: ToolCall[] = [];
  for (const delta of pieces.flatMap((p) => p.toolCalls)) {
    if (delta.id) {
      calls[delta.index] = {
        id: delta.id,
        type: 'function',
        function: { name: delta.function.name ?? '', arguments: '' },
      };
    }
    const call = calls[delta.index];
    if (call) call.function.arguments += delta.function.arguments;
  }
  return { content: content === '' && calls.length > 0 ? null : content, toolCalls: calls.filter(Boolean) };
}

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
function partialMarker(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (marker.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/** Calls inside open / close tags, content streamed around them (Hermes, Qwen). */
class TaggedParser implements ToolCallParser {
  private buffer = '';
  private block: ToolCallBlock | undefined;
  private calls = 0;

  constructor(
    private readonly open: string,
    private readonly close: string,
    private readonly limit: number,
  ) {}

  push(text: string): ParsedPiece {
    this.buffer += text;
    const out: ParsedPiece = { content: '', toolCalls: [] };
    for (;;) {
      if (!this.block) {
        const at = this.buffer.indexOf(this.open);
        if (at < 0) {
          const keep = partialMarker(this.buffer, this.open);
          out.content += this.buffer.slice(0, this.buffer.length - keep);
          this.buffer = this.buffer.slice(this.buffer.length - keep);
          return out;
        }
        out.content += this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + this.open.length);
        this.block = new ToolCallBlock(this.calls);
        continue;
      }
      const at = this.buffer.indexOf(this.close);
      if (at < 0) {
        const keep = partialMarker(this.buffer, this.close);
        this.take(out, this.block.push(this.buffer.slice(0, this.buffer.length - keep)));
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        return out;
      }
      this.take(out, this.block.push(this.buffer.slice(0, at)));
      this.endBlock(out);
      this.buffer = this.buffer.slice(at + this.close.length);
    }
  }

  finish(): ParsedPiece {
    const out: ParsedPiece = { content: '', toolCalls: [] };
    if (this.block) {
      this.take(out, this.block.push(this.buffer));
      this.endBlock(out);
    } else out.content += this.buffer;
    this.buffer = '';
    return out;
  }

  private endBlock(out: ParsedPiece): void {
    const block = this.block!;
    this.block = undefined;
    const last = block.close();
    if (last === undefined) {
      out.content += this.open + block.raw + this.close;
      return;
    }
    this.take(out, last);
    this.calls++;
  }

  private take(out: ParsedPiece, deltas: ToolCallDelta[]): void {
    out.toolCalls.push(...deltas.filter((d) => d.index < this.limit));
  }
}

/**
 * Content until a marker, then everything after it is buffered and parsed at the end (Mistral): the array
 * of calls is only known once it is closed.
 */
class MarkerThenAllParser implements ToolCallParser {
  private buffer = '';
  private inCalls = false;

  constructor(
    private readonly marker: string,
    private readonly limit: number,
    private readonly parse: (text: string) => { name: string; arguments: string }[] | undefined,
  ) {}

  push(text: string): ParsedPiece {
    this.buffer += text;
    if (this.inCalls) return { content: '', toolCalls: [] };
    const at = this.buffer.indexOf(this.marker);
    if (at >= 0) {
      const content = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + this.marker.length);
      this.inCalls = true;
      return { content, toolCalls: [] };
    }
    const keep = partialMarker(this.buffer, this.marker);
    const content = this.buffer.slice(0, this.buffer.length - keep);
    this.buffer = this.buffer.slice(this.buffer.length - keep);
    return { content, toolCalls: [] };
  }

  finish(): ParsedPiece {
    const rest = this.buffer;
    this.buffer = '';
    if (!this.inCalls) return { content: rest, toolCalls: [] };
    const calls = this.parse(rest);
    if (!calls || calls.length === 0) return { content: this.marker + rest, toolCalls: [] };
    return { content: '', toolCalls: callDeltas(calls.slice(0, this.limit)) };
  }
}

/** Llama 3: a reply that starts with `{` or `<|python_tag|>` is buffered and parsed as calls at the end. */
class Llama3Parser implements ToolCallParser {
  private buffer = '';
  private mode: 'undecided' | 'text' | 'calls' = 'undecided';

  constructor(private readonly limit: number) {}

  push(text: string): ParsedPiece {
    if (this.mode === 'text') return { content: text, toolCalls: [] };
    this.buffer += text;
    if (this.mode === 'calls') return { content: '', toolCalls: [] };
    const start = this.buffer.trimStart();
    if (start === '' || '<|python_tag|>'.startsWith(start)) return { content: '', toolCalls: [] };
    this.mode = start.startsWith('{') || start.startsWith('<|python_tag|>') ? 'calls' : 'text';
    if (this.mode === 'calls') return { content: '', toolCalls: [] };
    const content = this.buffer;
    this.buffer = '';
    return { content, toolCalls: [] };
  }

  finish(): ParsedPiece {
    const rest = this.buffer;
    this.buffer = '';
    if (this.mode !== 'calls') return { content: rest, toolCalls: [] };
    const body = rest.trim().replace(/^<\|python_tag\|>/, '');
    const calls: { name: string; arguments: string }[] = [];
    for (const part of body.split(/;\s*(?=\{)/)) {
      const call = parseCallObject(part.trim());
      if (!call) return { content: rest, toolCalls: [] };
      calls.push(call);
    }
    return { content: '', toolCalls: callDeltas(calls.slice(0, this.limit)) };
  }
}

/** Mistral's calls: a JSON array of call objects, or `name[ARGS]{…}` segments split by `[TOOL_CALLS]`. */
function parseMistral(text: string): { name: string; arguments: string }[] | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const list = JSON.parse(trimmed) as unknown[];
      const calls = list.map((item) => parseCallObject(JSON.stringify(item)));
      return calls.every(Boolean) ? (calls as { name: string; arguments: string }[]) : undefined;
    } catch {
      return undefined;
    }
  }
  const calls: { name: string; arguments: string }[] = [];
  for (const segment of trimmed.split('[TOOL_CALLS]')) {
    const m = /^([A-Za-z0-9_.-]+)\[ARGS\]([\s\S]*)$/.exec(segment.trim());
    if (!m) return undefined;
    try {
      JSON.parse(m[2]!);
    } catch {
      return undefined;
    }
    calls.push({ name: m[1]!, arguments: m[2]!.trim() });
  }
  return calls;
}

function callDeltas(calls: { name: string; arguments: string }[]): ToolCallDelta[] {
  return calls.flatMap((call, index) => [
    { index, id: newId('call_'), type: 'function' as const, function: { name: call.name, arguments: '' } },
    { index, function: { arguments: call.arguments } },
  ]);
}
