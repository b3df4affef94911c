/**
 * Readable configuration errors: one line per mistake, naming the key, with a "did you mean" for a misspelt key
 * (`api_key` → `apiKey`) or enum value (`vlm` → `vllm`) and for a URL without its scheme.
 */
import { OpenAIError } from 'openai';
import type { z } from 'zod';

/** One configuration mistake. */
export interface ConfigProblem {
  /** Dotted path of the key, e.g. `ollama.keepAlive`; empty for the whole object. */
  path: string;
  message: string;
}

/**
 * Thrown by the client's constructor and `fromEnv()` for an invalid configuration; `message` lists every problem
 * on its own line, `problems` holds them as data.
 */
export class ClientConfigError extends OpenAIError {
  readonly problems: ConfigProblem[];

  /**
   * @param error a zod failure with the `input` it was raised for and the schema, or a single message
   */
  constructor(error: z.ZodError | string, input?: unknown, schema?: z.ZodObject) {
    const problems =
      typeof error === 'string'
        ? [{ path: '', message: error }]
        : error.issues.flatMap((issue) => describe(issue, input, schema));
    const lines = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`);
    super(`Invalid client configuration:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

function describe(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodObject | undefined): ConfigProblem[] {
  const path = issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, issue.path);
    return issue.keys.map((key) => ({
      path: [path, key].filter(Boolean).join('.'),
      message: `unknown option${hint(closest(key, known))}`,
    }));
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map(String);
    const got = typeof value === 'string' ? closest(value, options) : undefined;
    return [
      { path, message: `expected one of ${options.map(quote).join(', ')}, got ${show(value)}${hint(got)}` },
    ];
  }
  if (path === 'baseURL' && typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return [{ path, message: `${show(value)} has no http:// or https:// scheme${hint(`http://${value}`)}` }];
  }
  return [{ path, message: `${issue.message}${value === undefined ? '' : `, got ${show(value)}`}` }];
}

const hint = (suggestion: string | undefined) => (suggestion ? `; did you mean ${quote(suggestion)}?` : '');
const quote = (text: string) => `"${text}"`;
const show = (value: unknown) => (typeof value === 'function' ? 'a function' : JSON.stringify(value));

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** The keys the schema accepts at `path` (objects nested through `.optional()`). */
function knownKeys(schema: z.ZodObject | undefined, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of path) {
    node = shapeOf(node)?.[String(key)];
    while (node && typeof (node as { unwrap?: unknown }).unwrap === 'function') {
      node = (node as { unwrap(): unknown }).unwrap();
    }
  }
  return Object.keys(shapeOf(node) ?? {});
}

function shapeOf(node: unknown): Record<string, unknown> | undefined {
  return (node as { shape?: Record<string, unknown> } | undefined)?.shape;
}

/**
 * The candidate nearest to `text`: equal once case, `_` and `-` are ignored (`api_key` → `apiKey`), else within an
 * edit distance of a third of its length (at least 1).
 */
export function closest(text: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const folded = fold(text);
  const same = candidates.find((c) => fold(c) === folded);
  if (same) return same;
  const limit = Math.max(1, Math.floor(folded.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}
