import type { Token } from 'node-llama-cpp';
import { invalidParam } from '../../core/errors.js';
import { newId, unixSeconds } from '../../core/ids.js';
import type { ParamPolicy } from '../param-policy.js';
import type { ProviderRequest, ProviderResponse } from '../provider.js';
import { EMBEDDED_UNSUPPORTED } from './capabilities.js';
import { collectChoice, interleave, usage } from './choices.js';
import { assertFitsContext } from './context-limit.js';
import type { ModelEngine } from './engine.js';
import { type GenerationEvent, generate } from './generate.js';
import { responseFormatConstraint } from './grammar.js';
import { withGuide } from './guided-decoding.js';
import { toCompletionLogprobs } from './logprobs.js';
import { readGenerationParams } from './params.js';
import { promptLogprobs } from './prompt-logprobs.js';

/** One prompt of a (possibly batched) completions request. */
interface CompletionPrompt {
  tokens: Token[];
  /** The prompt as text (what `echo` prepends). */
  text: string;
}

/**
 * `POST /v1/completions` on a loaded model (OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create): raw text continuation, no chat template.
 * `prompt` may be a string, a list of strings, a token list or a list of token lists; each prompt yields `n` choices,
 * numbered `promptIndex * n + i`. String prompts get the model's BOS token when its tokenizer asks for one; token
 * prompts are used as given. `logprobs` (integer, 0–20) gives the legacy parallel-array format; `echo` prepends the
 * prompt text (not combinable with logprobs: prompt-token logprobs are not computed). A stream sends
 * `text_completion` objects carrying text deltas, a finish object per choice, and the usage object (`choices: []`)
 * when `stream_options.include_usage` is set.
 * @param req the request, its body already screened against capabilities.ts
 * @param policy rejects (or drops) `best_of > n` and `echo` with `logprobs`
 * @throws GatewayError 400 for invalid fields, those unsupported values, and prompts that do not fit the
 *   context
 */
export async function textCompletion(
  engine: ModelEngine,
  req: ProviderRequest,
  policy: ParamPolicy,
): Promise<ProviderResponse> {
  const body = req.body;
  const params = readGenerationParams(body);
  if (typeof body.best_of === 'number' && body.best_of > params.n) {
    policy.reject(EMBEDDED_UNSUPPORTED.bestOf, 'best_of');
  }
  const topLogprobs = readCompletionLogprobs(body.logprobs);
  let echo = body.echo === true;
  if (echo && topLogprobs !== undefined) {
    policy.reject(EMBEDDED_UNSUPPORTED.echoLogprobs, 'echo');
    echo = false;
  }
  const prompts = readPrompts(engine, body.prompt);
  for (const p of prompts) assertFitsContext(engine.contextSize, p.tokens.length, params.maxTokens, 'prompt');
  const constraint = await withGuide(
    engine,
    body,
    await responseFormatConstraint(engine, body.response_format),
  );
  const promptTokens = prompts.reduce((sum, p) => sum + p.tokens.length, 0);
  const jobs = prompts.flatMap((prompt) =>
    Array.from({ length: params.n }, (_, i) => ({ prompt, seedIndex: i })),
  );
  const run = (job: (typeof jobs)[number]) =>
    generate({
      engine,
      promptTokens: job.prompt.tokens,
      sampling: params.sampling,
      ending: params.ending,
      choiceIndex: job.seedIndex,
      ...(params.maxTokens !== undefined ? { maxTokens: params.maxTokens } : {}),
      stop: params.stop,
      endOfTurn: [],
      ...(constraint.kind === 'text'
        ? {}
        : { grammar: { grammar: constraint.grammar, json: constraint.kind !== 'grammar' } }),
      ...(topLogprobs !== undefined ? { topLogprobs } : {}),
      signal: req.abort.signal,
    });
  const head = {
    id: newId('cmpl-'),
    object: 'text_completion',
    created: unixSeconds(),
    model: req.clientModel,
  };

  if (!params.stream) {
    const promptLogprobsLists =
      params.promptLogprobs === undefined
        ? undefined
        : await Promise.all(
            prompts.map((p) =>
              promptLogprobs(engine, p.tokens, params.promptLogprobs ?? 0, req.abort.signal),
            ),
          );
    const results = await Promise.all(jobs.map((job) => collectChoice(run(job))));
    return {
      kind: 'json',
      status: 200,
      body: {
        ...head,
        choices: results.map((r, index) => ({
          index,
          text: echo ? jobs[index]!.prompt.text + r.text : r.text,
          logprobs: topLogprobs === undefined ? null : toCompletionLogprobs(r.logprobs, 0),
          finish_reason: r.finishReason,
          stop_reason: r.stopReason,
          ...(promptLogprobsLists
            ? { prompt_logprobs: promptLogprobsLists[prompts.indexOf(jobs[index]!.prompt)] }
            : {}),
        })),
        usage: usage(
          promptTokens,
          results.reduce((sum, r) => sum + r.completionTokens, 0),
        ),
      },
    };
  }

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    ...head,
    choices,
    ...(params.includeUsage ? { usage: null } : {}),
    ...extra,
  });
  async function* stream(): AsyncGenerator<unknown> {
    if (echo) {
      for (const [index, job] of jobs.entries()) {
        yield chunk([{ index, text: job.prompt.text, logprobs: null, finish_reason: null }]);
      }
    }
    const offsets = jobs.map(() => 0);
    let completionTokens = 0;
    for await (const { source: index, value } of interleave<GenerationEvent>(jobs.map(run))) {
      if (value.type === 'end') {
        completionTokens += value.completionTokens;
        yield chunk([
          {
            index,
            text: '',
            logprobs: null,
            finish_reason: value.finishReason,
            stop_reason: value.stopReason,
          },
        ]);
        continue;
      }
      const logprobs =
        topLogprobs === undefined ? null : toCompletionLogprobs(value.logprobs, offsets[index]!);
      offsets[index]! += value.logprobs.reduce((sum, e) => sum + e.token.length, 0);
      yield chunk([{ index, text: value.text, logprobs, finish_reason: null }]);
    }
    if (params.includeUsage) yield chunk([], { usage: usage(promptTokens, completionTokens) });
  }
  return { kind: 'chunks', chunks: stream() };
}

/**
 * Legacy `logprobs` (OpenAI API reference, Create completion:
 * https://platform.openai.com/docs/api-reference/completions/create): an integer count of alternatives. OpenAI caps
 * it at 5; vLLM and this engine accept up to 20.
 * @throws GatewayError 400 for anything but null or an integer 0–20
 */
function readCompletionLogprobs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 20) {
    throw invalidParam('logprobs', "'logprobs' must be an integer from 0 to 20 for completions");
  }
  return value;
}

/**
 * Reads `prompt` in its four shapes: string, string[], token ids, token id lists.
 * @throws GatewayError 400 (`param: prompt`) for other shapes, empty prompts and token ids outside the vocabulary
 */
function readPrompts(engine: ModelEngine, prompt: unknown): CompletionPrompt[] {
  const fromText = (text: string): CompletionPrompt => ({
    text,
    tokens: engine.tokenize(text, { addSpecialTokens: true, parseSpecialTokens: true }),
  });
  const fromTokens = (tokens: unknown[]): CompletionPrompt => {
    if (!tokens.every((t) => typeof t === 'number' && engine.isValidToken(t))) {
      throw invalidParam(
        'prompt',
        `prompt token ids must be integers from 0 to ${engine.vocabulary.length - 1}`,
      );
    }
    return { tokens: tokens as Token[], text: engine.detokenize(tokens as Token[], false) };
  };
  let prompts: CompletionPrompt[];
  if (typeof prompt === 'string') prompts = [fromText(prompt)];
  else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === 'string')) {
    prompts = (prompt as string[]).map(fromText);
  } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === 'number')) {
    prompts = [fromTokens(prompt)];
  } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => Array.isArray(p))) {
    prompts = (prompt as unknown[][]).map(fromTokens);
  } else {
    throw invalidParam(
      'prompt',
      "'prompt' must be a string, an array of strings, or token ids (array or arrays)",
    );
  }
  if (prompts.some((p) => p.tokens.length === 0)) throw invalidParam('prompt', 'a prompt has no tokens');
  return prompts;
}
