/**
 * Legacy `/v1/completions` (OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create) on chat-only providers (Anthropic, Gemini),
 * emulated through their chat mapping: each prompt becomes one user turn, `n` choices per prompt (a batch's choices
 * numbered consecutively, OpenAI API reference, Create completion), and the answers come back in the
 * `text_completion` shape, streamed or not.
 */
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Completion, CompletionUsage } from 'openai/resources/completions';
import { mergeAsyncIterables } from '../core/async-iterables.js';
import { invalidParam, UpstreamError } from '../core/errors.js';
import { DROPPED_PARAMS_HEADER } from '../core/headers.js';
import { newId, unixSeconds } from '../core/ids.js';
import { includeUsage } from '../protocols/openai/chat-request.js';
import { droppedParamsHeader, parseDroppedParams } from '../protocols/openai/unsupported-params.js';
import type { ParamPolicy } from './param-policy.js';
import type { ProviderResponse } from './provider.js';

/** Runs one chat request through the provider's own chat path (`json` when not streaming, else `chunks`). */
export type ChatRunner = (
  chatBody: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<ProviderResponse>;

/** How a provider takes part in the emulation. */
export interface CompletionsOverChatOptions {
  /** The model id the client asked for. */
  model: string;
  /** True when the provider's chat honours `n` itself (Gemini `candidateCount`); else one call per choice. */
  nativeN: boolean;
  /** Screens completions fields (`logprobs`, `echo`, `suffix`, `best_of`, ...) per the type's capabilities. */
  policy: ParamPolicy;
  /** The type's capability entry for token-array prompts (cannot be translated to text). */
  tokenPromptEntry: string;
  /** The client's abort signal. */
  signal: AbortSignal;
}

/** Completion fields that have no chat counterpart and are consumed here. */
const COMPLETION_ONLY = ['prompt', 'n', 'stream_options', 'echo', 'best_of', 'logprobs', 'suffix'];

/**
 * Serves a legacy completions request with `runChat`.
 * @param body the client's completions body
 * @throws GatewayError 400 naming `prompt` (missing, empty, token arrays) or `n`, or an unsupported field;
 *   any error of the chat path (the remaining upstream calls are aborted)
 */
export async function completionsOverChat(
  body: Record<string, unknown>,
  runChat: ChatRunner,
  options: CompletionsOverChatOptions,
): Promise<ProviderResponse> {
  const screened = options.policy.screen(body);
  const prompts = promptList(screened.prompt, options);
  const n = choiceCount(screened.n);
  const stream = screened.stream === true;
  const base = Object.fromEntries(Object.entries(screened).filter(([key]) => !COMPLETION_ONLY.includes(key)));
  const runs: { offset: number; chat: Record<string, unknown> }[] = [];
  prompts.forEach((prompt, p) => {
    const chat = {
      ...base,
      messages: [{ role: 'user', content: prompt }],
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    };
    if (options.nativeN) runs.push({ offset: p * n, chat: n > 1 ? { ...chat, n } : chat });
    else for (let k = 0; k < n; k++) runs.push({ offset: p * n + k, chat });
  });
  const abort = new AbortController();
  const signal = AbortSignal.any([options.signal, abort.signal]);
  let responses: ProviderResponse[];
  try {
    responses = await Promise.all(runs.map((run) => runChat(run.chat, signal)));
  } catch (err) {
    abort.abort();
    throw err;
  }
  const headers = droppedHeader(options.policy.dropped, responses);
  const id = newId('cmpl-');
  const created = unixSeconds();
  if (!stream) {
    const completions = responses.map((r) => (r.kind === 'json' ? (r.body as ChatCompletion) : undefined));
    return {
      kind: 'json',
      status: 200,
      body: toCompletion(completions, runs, id, created, options.model),
      headers,
    };
  }
  const streams = responses.map((r, i) => {
    if (r.kind !== 'chunks') throw new UpstreamError(502, 'chat stream expected', { failure: 'protocol' });
    return textChunks(r.chunks, runs[i]!.offset);
  });
  return {
    kind: 'chunks',
    chunks: completionStream(streams, {
      id,
      created,
      model: options.model,
      includeUsage: includeUsage(screened),
      abort,
    }),
    headers,
  };
}

function promptList(prompt: unknown, options: CompletionsOverChatOptions): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((p) => typeof p === 'string')) return prompt;
    if (prompt.every((p) => typeof p === 'number' || Array.isArray(p))) {
      options.policy.refuse(options.tokenPromptEntry, 'prompt');
    }
  }
  throw invalidParam('prompt', "'prompt' must be a string or a non-empty array of strings");
}

function choiceCount(n: unknown): number {
  if (n === undefined || n === null) return 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 128) {
    throw invalidParam('n', "'n' must be an integer between 1 and 128");
  }
  return n;
}

/**
 * `finish_reason` of a completion choice is stop, length or content_filter (OpenAI API reference, The completion
 * object: https://platform.openai.com/docs/api-reference/completions/object).
 */
function completionFinish(reason: string | null | undefined): Completion['choices'][number]['finish_reason'] {
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}

function toCompletion(
  completions: (ChatCompletion | undefined)[],
  runs: { offset: number }[],
  id: string,
  created: number,
  model: string,
): Completion {
  const choices: Completion['choices'] = [];
  const usage: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  completions.forEach((completion, i) => {
    for (const choice of completion?.choices ?? []) {
      choices.push({
        index: runs[i]!.offset + choice.index,
        text: choice.message.content ?? '',
        logprobs: null,
        finish_reason: completionFinish(choice.finish_reason),
      });
    }
    addUsage(usage, completion?.usage);
  });
  choices.sort((a, b) => a.index - b.index);
  return { id, object: 'text_completion', created, model, choices, usage };
}

function addUsage(into: CompletionUsage, usage: CompletionUsage | null | undefined): void {
  if (!usage) return;
  into.prompt_tokens += usage.prompt_tokens;
  into.completion_tokens += usage.completion_tokens;
  into.total_tokens += usage.total_tokens;
}

/** A piece of a choice's text, or one run's usage. */
type TextEvent = { index: number; text: string; finish: string | null } | { usage: CompletionUsage };

async function* textChunks(chunks: AsyncIterable<unknown>, offset: number): AsyncGenerator<TextEvent> {
  for await (const chunk of chunks as AsyncIterable<ChatCompletionChunk>) {
    if (chunk.usage) yield { usage: chunk.usage };
    for (const choice of chunk.choices) {
      const text = choice.delta.content ?? '';
      if (text !== '' || choice.finish_reason) {
        yield { index: offset + choice.index, text, finish: choice.finish_reason };
      }
    }
  }
}

async function* completionStream(
  streams: AsyncIterable<TextEvent>[],
  meta: { id: string; created: number; model: string; includeUsage: boolean; abort: AbortController },
): AsyncGenerator<Completion> {
  const usage: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const base = { id: meta.id, object: 'text_completion' as const, created: meta.created, model: meta.model };
  try {
    for await (const event of mergeAsyncIterables(streams)) {
      if ('usage' in event) {
        addUsage(usage, event.usage);
        continue;
      }
      const finish = event.finish === null ? null : completionFinish(event.finish);
      yield {
        ...base,
        choices: [{ index: event.index, text: event.text, logprobs: null, finish_reason: finish! }],
      };
    }
  } catch (err) {
    meta.abort.abort();
    throw err;
  }
  if (meta.includeUsage) yield { ...base, choices: [], usage };
}

function droppedHeader(dropped: readonly string[], responses: ProviderResponse[]): Record<string, string> {
  const names = new Set(dropped);
  for (const response of responses) {
    for (const name of parseDroppedParams(response.headers?.[DROPPED_PARAMS_HEADER])) names.add(name);
  }
  return droppedParamsHeader([...names]);
}
