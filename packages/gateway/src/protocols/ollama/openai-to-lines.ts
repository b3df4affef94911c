/**
 * Canonical answers (OpenAI chat completion objects and chunks, or text completions) as Ollama's `/api/chat` and
 * `/api/generate` answers: NDJSON lines of deltas and a final line with `done: true`, `done_reason` and the
 * metrics, or that final object alone when not streamed (Ollama API docs, Generate a chat completion and Generate
 * a completion: https://github.com/ollama/ollama/blob/main/docs/api.md). Durations are nanoseconds.
 */
import type { OllamaChatResponse, OllamaGenerateResponse, OllamaToolCall } from '@switchyard/wire';

/** Which route's shape the lines take: `message` deltas (chat) or `response` text (generate). */
export type OllamaAnswerKind = 'chat' | 'generate';

/** One answer line, either shape. */
export type OllamaLine = OllamaChatResponse | OllamaGenerateResponse;

/** Time points of one request, `performance.now()` ms. */
export interface AnswerClock {
  /** When the request arrived. */
  startedAt: number;
  /** Now, as a function (tests pass their own). */
  now(): number;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/**
 * Ollama's `done_reason` for an OpenAI `finish_reason`: `length` stays, everything else (`stop`, `tool_calls`,
 * `content_filter`) is `stop`, as Ollama reports a turn that ended with tool calls.
 */
export function doneReason(finishReason: unknown): string {
  return finishReason === 'length' ? 'length' : 'stop';
}

/**
 * Turns a stream of canonical chunks into Ollama lines: one line per content, thinking (`reasoning_content`) or
 * text delta; tool calls collected from their deltas and sent whole, arguments parsed to an object, on one line
 * when the choice finishes; the final line after the last chunk with the usage and durations. The prompt is
 * taken to be evaluated when the first delta arrives: `prompt_eval_duration` is the time until then,
 * `eval_duration` the time after, `load_duration` 0 (loading is part of the prompt time).
 */
export class OllamaLineTranscoder {
  private readonly calls = new Map<number, { id?: string; name: string; arguments: string }>();
  private finishReason: unknown;
  private usage: Usage = {};
  private firstAt: number | undefined;

  constructor(
    private readonly kind: OllamaAnswerKind,
    private readonly model: string,
    private readonly clock: AnswerClock,
  ) {}

  /** The lines for one canonical chunk (chat `choices[].delta` or completions `choices[].text`), either shape. */
  push(chunk: unknown): OllamaLine[] {
    const c = chunk as { choices?: Record<string, unknown>[]; usage?: Usage | null };
    if (c.usage) this.usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) return [];
    this.firstAt ??= this.clock.now();
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    const out: OllamaLine[] = [];
    const delta = (choice.delta ?? {}) as Record<string, unknown>;
    const thinking = delta.reasoning_content ?? delta.reasoning;
    if (typeof thinking === 'string' && thinking !== '') out.push(this.line('', thinking));
    const text = choice.text ?? delta.content;
    if (typeof text === 'string' && text !== '') out.push(this.line(text));
    for (const call of (delta.tool_calls ?? []) as Record<string, unknown>[]) this.collect(call);
    if (choice.finish_reason && this.calls.size > 0) {
      out.push(this.line('', undefined, this.toolCalls()));
      this.calls.clear();
    }
    return out;
  }

  /** The final line: `done: true`, `done_reason`, token counts and durations. */
  finish(): OllamaLine {
    const now = this.clock.now();
    const first = this.firstAt ?? now;
    const final = this.line('');
    return {
      ...final,
      done: true,
      done_reason: doneReason(this.finishReason),
      ...metrics(this.usage, this.clock.startedAt, first, now),
    };
  }

  private collect(call: Record<string, unknown>): void {
    const index = typeof call.index === 'number' ? call.index : this.calls.size;
    const fn = (call.function ?? {}) as Record<string, unknown>;
    const entry = this.calls.get(index) ?? { name: '', arguments: '' };
    if (typeof call.id === 'string') entry.id = call.id;
    if (typeof fn.name === 'string') entry.name += fn.name;
    if (typeof fn.arguments === 'string') entry.arguments += fn.arguments;
    this.calls.set(index, entry);
  }

  private toolCalls(): OllamaToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ollamaToolCall(call.id, call.name, call.arguments, index));
  }

  private line(text: string, thinking?: string, toolCalls?: OllamaToolCall[]): OllamaLine {
    const head = { model: this.model, created_at: new Date().toISOString() };
    const think = thinking === undefined ? {} : { thinking };
    if (this.kind === 'generate') return { ...head, response: text, ...think, done: false };
    const calls = toolCalls ? { tool_calls: toolCalls } : {};
    return { ...head, message: { role: 'assistant', content: text, ...think, ...calls }, done: false };
  }
}

/**
 * A whole canonical answer (chat completion or text completion object) as Ollama's non-streamed answer.
 * `prompt_eval_duration` is 0 and `eval_duration` the whole time (a whole answer tells no first-token time).
 */
export function ollamaAnswer(
  kind: OllamaAnswerKind,
  body: unknown,
  model: string,
  clock: AnswerClock,
): OllamaLine {
  const completion = body as { choices?: Record<string, unknown>[]; usage?: Usage };
  const choice = completion.choices?.[0] ?? {};
  const now = clock.now();
  const tail = {
    done: true,
    done_reason: doneReason(choice.finish_reason),
    ...metrics(completion.usage ?? {}, clock.startedAt, clock.startedAt, now),
  };
  const head = { model, created_at: new Date().toISOString() };
  const message = (choice.message ?? {}) as Record<string, unknown>;
  const thinking = message.reasoning_content ?? message.reasoning;
  if (kind === 'generate') {
    const text = choice.text ?? message.content;
    return {
      ...head,
      response: typeof text === 'string' ? text : '',
      ...(typeof thinking === 'string' && thinking !== '' ? { thinking } : {}),
      ...tail,
    };
  }
  const calls = (message.tool_calls ?? []) as {
    id?: string;
    function: { name: string; arguments: string };
  }[];
  return {
    ...head,
    message: {
      role: 'assistant',
      content: typeof message.content === 'string' ? message.content : '',
      ...(typeof thinking === 'string' && thinking !== '' ? { thinking } : {}),
      ...(calls.length > 0
        ? { tool_calls: calls.map((c, i) => ollamaToolCall(c.id, c.function.name, c.function.arguments, i)) }
        : {}),
    },
    ...tail,
  };
}

/** Ollama's answer to a request with nothing to generate: the model is loaded, `done_reason: "load"`. */
export function loadAnswer(kind: OllamaAnswerKind, model: string): OllamaLine {
  const head = { model, created_at: new Date().toISOString() };
  const body = kind === 'chat' ? { message: { role: 'assistant' as const, content: '' } } : { response: '' };
  return { ...head, ...body, done: true, done_reason: 'load' };
}

function ollamaToolCall(id: string | undefined, name: string, args: string, index: number): OllamaToolCall {
  return { ...(id ? { id } : {}), function: { index, name, arguments: parseArguments(args) } };
}

/** Tool arguments as an object; text that is not a JSON object is kept under `value`, never dropped. */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { value: text };
  }
}

const NS_PER_MS = 1e6;

function metrics(usage: Usage, startedAt: number, firstAt: number, endAt: number) {
  return {
    total_duration: Math.round((endAt - startedAt) * NS_PER_MS),
    load_duration: 0,
    prompt_eval_count: usage.prompt_tokens ?? 0,
    prompt_eval_duration: Math.round((firstAt - startedAt) * NS_PER_MS),
    eval_count: usage.completion_tokens ?? 0,
    eval_duration: Math.round((endAt - firstAt) * NS_PER_MS),
  };
}
