/**
 * Token counts read off an answer as it passes, without parsing whole bodies: JSON bodies and chunk objects
 * are read through their `usage` field; upstream bytes are searched for the usage keys of each protocol and
 * only the digits after a key are read. Keys are matched with their quotes and colon, so text inside a
 * JSON string (where quotes are escaped) never matches. A key split across two byte chunks is missed.
 *
 * Sources of the field names: OpenAI API reference, "The chat completion object" and "The chat completion
 * chunk object" (`usage.prompt_tokens`, `usage.completion_tokens`); OpenAI Responses and Anthropic Messages
 * API references (`usage.input_tokens`, `usage.output_tokens`); Ollama API docs, "Generate a chat
 * completion" (`prompt_eval_count`, `eval_count`).
 */

/** Prompt and completion tokens seen so far (the latest report of each wins: reports are cumulative). */
export interface TokenUsage {
  /** Tokens, or -1 before any report. */
  prompt: number;
  /** Tokens, or -1 before any report. */
  completion: number;
}

const USAGE = Buffer.from('"usage":');
const EVAL_COUNT = Buffer.from('"eval_count":');
const PROMPT_KEYS = ['"prompt_tokens":', '"input_tokens":', '"prompt_eval_count":'].map((k) =>
  Buffer.from(k),
);
const COMPLETION_KEYS = ['"completion_tokens":', '"output_tokens":', '"eval_count":'].map((k) =>
  Buffer.from(k),
);

/** Updates `usage` from one piece of an answer (a JSON body or chunk object, or a `Uint8Array`). */
export function scanUsage(value: unknown, usage: TokenUsage): void {
  if (value instanceof Uint8Array) scanBytes(value, usage);
  else if (typeof value === 'object' && value !== null) scanObject(value as { usage?: unknown }, usage);
}

function scanObject(value: { usage?: unknown }, usage: TokenUsage): void {
  const u = value.usage as Record<string, unknown> | null | undefined;
  if (typeof u !== 'object' || u === null) return;
  const prompt = u.prompt_tokens ?? u.input_tokens;
  const completion = u.completion_tokens ?? u.output_tokens;
  if (typeof prompt === 'number') usage.prompt = prompt;
  if (typeof completion === 'number') usage.completion = completion;
}

function scanBytes(bytes: Uint8Array, usage: TokenUsage): void {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let from = buf.indexOf(USAGE);
  if (from < 0) from = buf.indexOf(EVAL_COUNT);
  if (from < 0) return;
  // The prompt count of an Ollama line comes before eval_count: look from the line start.
  from = Math.max(0, buf.lastIndexOf(10, from) + 1);
  const prompt = lastNumber(buf, PROMPT_KEYS, from);
  const completion = lastNumber(buf, COMPLETION_KEYS, from);
  if (prompt >= 0) usage.prompt = prompt;
  if (completion >= 0) usage.completion = completion;
}

/** The unsigned integer after the last occurrence of the first key found at or after `from`, else -1. */
function lastNumber(buf: Buffer, keys: readonly Buffer[], from: number): number {
  for (const key of keys) {
    const at = buf.lastIndexOf(key);
    if (at < from) continue;
    let i = at + key.byteLength;
    while (buf[i] === 32) i++;
    let n = -1;
    for (let c = buf[i]; c !== undefined && c >= 48 && c <= 57; c = buf[++i])
      n = (n < 0 ? 0 : n * 10) + c - 48;
    if (n >= 0) return n;
  }
  return -1;
}
