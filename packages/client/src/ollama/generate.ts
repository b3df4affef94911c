/**
 * Legacy completions on Ollama: OpenAI `/v1/completions` request → `POST /api/generate` (Ollama API docs, Generate a
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion), and the native response
 * or NDJSON lines → `text_completion` objects keeping Ollama's `context` and timing metrics (OpenAI API reference, The completion object:
 * https://platform.openai.com/docs/api-reference/completions/object).
 */

import { completionLogprobs, type OllamaGenerateResponse } from '@switchyard/wire';
import type { Completion, CompletionChoice } from 'openai/resources/completions';
import type { JsonBody } from '../platforms/platform.js';
import {
  cannotSend,
  finishReasonOf,
  mapGenerationFields,
  mapLogprobs,
  metricsOf,
  newId,
  type OllamaRequestContext,
  unixSeconds,
  usageOf,
} from './common.js';
import type { OllamaResultExtras } from './params.js';

/**
 * Builds the native generate body. `prompt` must be one string (or a one-string array); `suffix` is sent as
 * Ollama's fill-in-the-middle `suffix`.
 * @throws {UnsupportedParamError} for prompt batches or token prompts (always), and per the policy for `echo`,
 *   `best_of > 1`, `n > 1`, `logit_bias`, logprobs on old servers
 */
export async function toOllamaGenerateRequest(body: JsonBody, ctx: OllamaRequestContext): Promise<JsonBody> {
  const rest: JsonBody = { ...body };
  const native: JsonBody = { model: rest.model, prompt: promptOf(rest.prompt) };
  delete rest.model;
  delete rest.prompt;
  if (rest.echo === true) ctx.params.reject(rest, 'echo', 'Ollama does not echo the prompt');
  delete rest.echo;
  if (typeof rest.best_of === 'number' && rest.best_of > 1)
    ctx.params.reject(rest, 'best_of', 'Ollama returns one choice');
  delete rest.best_of;
  mapGenerationFields(rest, native, ctx);
  await mapLogprobs(rest, native, ctx, true);
  return Object.assign(native, rest);
}

function promptOf(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  return cannotSend('prompt', 'Ollama takes one string prompt (no batches, no token arrays)');
}

/** A non-streamed `/api/generate` response as a `text_completion`, with {@link OllamaResultExtras}. */
export function toCompletion(native: OllamaGenerateResponse): Completion & OllamaResultExtras {
  return {
    id: newId('cmpl'),
    object: 'text_completion',
    created: unixSeconds(native.created_at),
    model: native.model,
    choices: [
      {
        index: 0,
        text: native.response,
        finish_reason: finishReasonOf(native.done_reason),
        logprobs: native.logprobs ? completionLogprobs(native.logprobs, 0) : null,
      },
    ],
    usage: usageOf(native),
    ...extrasOf(native),
  };
}

function extrasOf(line: OllamaGenerateResponse): OllamaResultExtras {
  return { ...metricsOf(line), ...(line.context ? { context: line.context } : {}) };
}

/**
 * Converts `/api/generate` lines into streamed `text_completion` objects: one per text delta, the finish_reason
 * on the last one (as Ollama's own /v1 does, Ollama docs, OpenAI compatibility:
 * https://docs.ollama.com/api/openai-compatibility), then a `choices: []` usage chunk when `includeUsage`.
 */
export async function* toCompletionChunks(
  lines: AsyncIterable<OllamaGenerateResponse>,
  includeUsage: boolean,
): AsyncGenerator<Completion> {
  const id = newId('cmpl');
  let created: number | undefined;
  let offset = 0;
  for await (const line of lines) {
    created ??= unixSeconds(line.created_at);
    const base = { id, object: 'text_completion' as const, created, model: line.model };
    if (line.response || line.done) {
      // The SDK types a streamed choice like the final one; on the wire finish_reason is null until the end.
      const choice: CompletionChoice = {
        index: 0,
        text: line.response,
        finish_reason: line.done ? finishReasonOf(line.done_reason) : (null as unknown as 'stop'),
        logprobs: line.logprobs?.length ? completionLogprobs(line.logprobs, offset) : null,
      };
      offset += line.response.length;
      yield { ...base, choices: [choice], ...(line.done ? extrasOf(line) : {}) };
    }
    if (line.done) {
      if (includeUsage) yield { ...base, choices: [], usage: usageOf(line) };
      return;
    }
  }
}
