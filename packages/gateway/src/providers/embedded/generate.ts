import type { LlamaGrammar, Token } from 'node-llama-cpp';
import type { ModelEngine } from './engine.js';
import { isCompleteJsonValue } from './grammar.js';
import { loadedLlamaModule } from './llama-module.js';
import { type SampledTokenLogprob, sampledTokenLogprob } from './logprobs.js';
import type { SamplingParams } from './params.js';
import { samplerOptions } from './sampling.js';
import { StopSequenceMatcher } from './stop-sequences.js';
import { TokenTextDecoder } from './tokenizer.js';

/** One choice to generate. */
export interface GenerationRequest {
  engine: ModelEngine;
  /** The full prompt (checked with `assertFitsContext` beforehand, context-limit.ts). */
  promptTokens: Token[];
  sampling: SamplingParams;
  /** Position of this choice in the response (offsets the seed, see sampling.ts). */
  choiceIndex: number;
  /** Most tokens to generate; undefined: until an end-of-generation token or the end of the context. */
  maxTokens?: number;
  /** Stop sequences: the client's plus, in chat, the template's end-of-turn text. */
  stop: readonly string[];
  /** Grammar the output must follow (JSON / tool call). */
  grammar?: LlamaGrammar;
  /** Alternatives to report per token (0–20); undefined when the client asked for no logprobs. */
  topLogprobs?: number;
  signal: AbortSignal;
}

/** Why a choice ended, in OpenAI terms: `stop` (EOS, stop sequence, complete JSON) or `length`. */
export type FinishReason = 'stop' | 'length';

/** What {@link generate} yields: text as it becomes final, then one `end`. */
export type GenerationEvent =
  /** New output text (may be '' when only logprobs are new) and the logprobs of tokens sampled since the last event. */
  | { type: 'delta'; text: string; logprobs: SampledTokenLogprob[] }
  | { type: 'end'; finishReason: FinishReason; completionTokens: number };

/**
 * Generates one choice on a pooled sequence (waiting for one when all are busy). Stops at an
 * end-of-generation token, a stop sequence, `maxTokens` (`length`), the end of the context (`length`: the
 * engine never shifts the context), or, under a JSON grammar, as soon as the JSON value is complete.
 * Without `maxTokens` the engine's natural behaviour applies: generate until EOS or the context is full.
 * Stopping iteration early (client gone) or aborting `signal` stops generation at the next token and returns
 * the sequence to the pool.
 * @throws the signal's reason when aborted
 */
export async function* generate(req: GenerationRequest): AsyncGenerator<GenerationEvent> {
  const { engine, promptTokens } = req;
  const budget = Math.min(
    req.maxTokens ?? Number.POSITIVE_INFINITY,
    engine.contextSize - promptTokens.length,
  );
  if (budget <= 0) {
    yield { type: 'end', finishReason: 'length', completionTokens: 0 };
    return;
  }
  const stops = [...req.stop];
  for (const trigger of req.grammar?.stopGenerationTriggers ?? []) {
    if (Array.isArray(trigger))
      stops.push(trigger.filter((v): v is string => typeof v === 'string').join(''));
    else stops.push(trigger.toString());
  }
  const sequence = await engine.pool.acquire(req.signal);
  try {
    const generated: Token[] = [];
    const grammarState = req.grammar
      ? new (loadedLlamaModule().LlamaGrammarEvaluationState)({ model: engine.model, grammar: req.grammar })
      : undefined;
    const options = samplerOptions(engine, req.sampling, req.choiceIndex, generated, grammarState);
    const decoder = new TokenTextDecoder(engine.model, promptTokens);
    const matcher = new StopSequenceMatcher(stops);
    const wantLogprobs = req.topLogprobs !== undefined;
    let fullText = '';
    let finishReason: FinishReason = 'stop';
    let done = false;
    const outputs = sequence.evaluateWithMetadata(promptTokens, { probabilities: wantLogprobs }, options);
    for await (const output of outputs) {
      if (req.signal.aborted) throw req.signal.reason;
      const logprobs: SampledTokenLogprob[] = [];
      const probabilities = (output as { probabilities?: Map<Token, number> }).probabilities;
      if (probabilities) {
        const preceding = [...promptTokens.slice(-8), ...generated.slice(-8)];
        logprobs.push(
          sampledTokenLogprob(engine, output.token, probabilities, req.topLogprobs ?? 0, preceding),
        );
      }
      generated.push(output.token);
      const piece = decoder.push(output.token);
      fullText += piece;
      const step = matcher.push(piece);
      let text = step.text;
      if (step.stopped) done = true;
      else if (req.grammar && isCompleteJsonValue(fullText)) {
        text += matcher.flush();
        done = true;
      } else if (generated.length >= budget) {
        const rest = matcher.push(decoder.flush());
        text += rest.text + matcher.flush();
        finishReason = rest.stopped ? 'stop' : 'length';
        done = true;
      }
      if (text || logprobs.length > 0) yield { type: 'delta', text, logprobs };
      if (done) break;
    }
    if (req.signal.aborted) throw req.signal.reason;
    if (!done) {
      const text = matcher.push(decoder.flush()).text + matcher.flush();
      if (text) yield { type: 'delta', text, logprobs: [] };
    }
    yield { type: 'end', finishReason, completionTokens: generated.length };
  } finally {
    await engine.pool.release(sequence);
  }
}
