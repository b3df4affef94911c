import type { LlamaGrammar, SequenceEvaluateOutput, Token } from 'node-llama-cpp';
import type { ModelEngine } from './engine.js';
import { isCompleteJsonValue } from './grammar.js';
import { loadedLlamaModule } from './llama-module.js';
import { type SampledTokenLogprob, sampledTokenLogprob } from './logprobs.js';
import type { EndingParams, SamplingParams } from './params.js';
import { samplerOptions } from './sampling.js';
import { StopSequenceMatcher } from './stop-sequences.js';
import { TokenTextDecoder } from './tokenizer.js';

/** One choice to generate. */
export interface GenerationRequest {
  engine: ModelEngine;
  /** The full prompt (checked with `assertFitsContext` beforehand, context-limit.ts). */
  promptTokens: Token[];
  sampling: SamplingParams;
  ending: EndingParams;
  /** Position of this choice in the response (offsets the seed, see sampling.ts). */
  choiceIndex: number;
  /** Most tokens to generate; undefined: until an end-of-generation token or the end of the context. */
  maxTokens?: number;
  /** The client's stop sequences; the matched one is `stop_reason`. */
  stop: readonly string[];
  /** Texts that end the turn like an end-of-generation token (the chat template's end-of-turn text). */
  endOfTurn: readonly string[];
  /** Grammar the output must follow; `json`: the output is one JSON value, complete when it parses. */
  grammar?: { grammar: LlamaGrammar; json: boolean };
  /** Alternatives to report per token (0–20); undefined when the client asked for no logprobs. */
  topLogprobs?: number;
  signal: AbortSignal;
}

/** Why a choice ended, in OpenAI terms: `stop` (EOS, stop sequence, complete grammar) or `length`. */
export type FinishReason = 'stop' | 'length';

/** What {@link generate} yields: text as it becomes final, then one `end`. */
export type GenerationEvent =
  /** New output text (may be '' when only logprobs are new) and the logprobs of tokens sampled since the last event. */
  | { type: 'delta'; text: string; logprobs: SampledTokenLogprob[] }
  /**
   * `stopReason`: vLLM's `stop_reason`, the client stop string or stop token id that ended the choice;
   * null for an end-of-generation token, the end of a grammar or a length limit.
   */
  | { type: 'end'; finishReason: FinishReason; completionTokens: number; stopReason: string | number | null };

/**
 * Generates one choice on a pooled sequence (waiting for one when all are busy). Stops at an
 * end-of-generation token (unless `ignoreEos`), a stop sequence or stop token (not before `minTokens`),
 * `maxTokens` (`length`), the end of the context (`length`: the engine never shifts the context), or, under
 * a JSON grammar, as soon as the JSON value is complete. Before `minTokens`, an end-of-generation or stop
 * token the sampler picks is replaced by the most probable other token (without a grammar; a grammar's
 * end is never overridden).
 * Stopping iteration early (client gone) or aborting `signal` stops generation at the next token and returns
 * the sequence to the pool.
 * @throws the signal's reason when aborted
 */
export async function* generate(req: GenerationRequest): AsyncGenerator<GenerationEvent> {
  const { engine, promptTokens, ending } = req;
  const budget = Math.min(
    req.maxTokens ?? Number.POSITIVE_INFINITY,
    engine.contextSize - promptTokens.length,
  );
  if (budget <= 0) {
    yield { type: 'end', finishReason: 'length', completionTokens: 0, stopReason: null };
    return;
  }
  const endStops = [...req.endOfTurn];
  for (const trigger of req.grammar?.grammar.stopGenerationTriggers ?? []) {
    if (Array.isArray(trigger))
      endStops.push(trigger.filter((v): v is string => typeof v === 'string').join(''));
    else endStops.push(trigger.toString());
  }
  const clientStops = new Set(req.stop);
  const isEnd = (token: Token) => engine.model.isEogToken(token) || ending.stopTokenIds.has(token);
  const sequence = await engine.pool.acquire(req.signal);
  try {
    const generated: Token[] = [];
    const grammar = req.grammar?.grammar;
    const grammarState = grammar
      ? new (loadedLlamaModule().LlamaGrammarEvaluationState)({ model: engine.model, grammar })
      : undefined;
    const options = samplerOptions(engine, req.sampling, req.choiceIndex, generated, grammarState);
    const decoder = new TokenTextDecoder(engine.model, promptTokens, !ending.skipSpecialTokens);
    const matcher = new StopSequenceMatcher([...req.stop, ...endStops]);
    const wantLogprobs = req.topLogprobs !== undefined;
    const replaceEnds = ending.minTokens > 0 && !grammar;
    let fullText = '';
    let finishReason: FinishReason = 'stop';
    let stopReason: string | number | null = null;
    let done = false;
    const outputs = sequence.evaluateWithMetadata(
      promptTokens,
      { probabilities: wantLogprobs || replaceEnds },
      { ...options, yieldEogToken: true },
    );
    try {
      let next = await outputs.next();
      while (!next.done) {
        if (req.signal.aborted) throw req.signal.reason;
        const output = next.value as SequenceEvaluateOutput<{ probabilities: true }>;
        const probabilities = output.probabilities as Map<Token, number> | undefined;
        const early = generated.length < ending.minTokens;
        let token = output.token;
        if (early && replaceEnds && isEnd(token) && probabilities) {
          token = mostProbable(probabilities, (t) => !isEnd(t)) ?? token;
        }
        if (engine.model.isEogToken(token) && !ending.ignoreEos) break;
        const logprobs: SampledTokenLogprob[] = [];
        if (wantLogprobs && probabilities) {
          const preceding = [...promptTokens.slice(-8), ...generated.slice(-8)];
          logprobs.push(sampledTokenLogprob(engine, token, probabilities, req.topLogprobs ?? 0, preceding));
        }
        generated.push(token);
        const piece = decoder.push(token);
        fullText += piece;
        let text: string;
        if (!early && ending.stopTokenIds.has(token)) {
          text = matcher.push(ending.includeStopStr ? piece : '').text + matcher.flush();
          stopReason = token;
          done = true;
        } else {
          const step = matcher.push(piece, !early);
          text = step.text;
          if (step.stopped) {
            if (step.stop !== undefined && clientStops.has(step.stop)) {
              stopReason = step.stop;
              if (ending.includeStopStr) text += step.stop;
            }
            done = true;
          } else if (req.grammar?.json && isCompleteJsonValue(fullText)) {
            text += matcher.flush();
            done = true;
          } else if (generated.length >= budget) {
            const rest = matcher.push(decoder.flush());
            text += rest.text + matcher.flush();
            finishReason = rest.stopped ? 'stop' : 'length';
            done = true;
          }
        }
        if (text || logprobs.length > 0) yield { type: 'delta', text, logprobs };
        if (done) break;
        next = await outputs.next(token === output.token ? undefined : token);
      }
    } finally {
      await outputs.return();
    }
    if (req.signal.aborted) throw req.signal.reason;
    if (!done) {
      const text = matcher.push(decoder.flush()).text + matcher.flush();
      if (text) yield { type: 'delta', text, logprobs: [] };
    }
    yield { type: 'end', finishReason, completionTokens: generated.length, stopReason };
  } finally {
    await engine.pool.release(sequence);
  }
}

/** The most probable token of `probabilities` (sorted most likely first) that passes `accept`. */
function mostProbable(
  probabilities: ReadonlyMap<Token, number>,
  accept: (token: Token) => boolean,
): Token | undefined {
  for (const [token, probability] of probabilities) {
    if (probability > 0 && accept(token)) return token;
  }
  return undefined;
}
