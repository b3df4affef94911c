import type { FinishReason, GenerationEvent } from './generate.js';
import type { SampledTokenLogprob } from './logprobs.js';

/** A finished choice, collected from {@link GenerationEvent}s. */
export interface ChoiceResult {
  text: string;
  logprobs: SampledTokenLogprob[];
  finishReason: FinishReason;
  completionTokens: number;
  /** vLLM's `stop_reason`: the stop string or stop token id that ended the choice, else null. */
  stopReason: string | number | null;
}

/** Runs one generation to its end and gathers its text, logprobs and finish reason. */
export async function collectChoice(events: AsyncIterable<GenerationEvent>): Promise<ChoiceResult> {
  const result: ChoiceResult = {
    text: '',
    logprobs: [],
    finishReason: 'stop',
    completionTokens: 0,
    stopReason: null,
  };
  for await (const event of events) {
    if (event.type === 'delta') {
      result.text += event.text;
      result.logprobs.push(...event.logprobs);
    } else {
      result.finishReason = event.finishReason;
      result.completionTokens = event.completionTokens;
      result.stopReason = event.stopReason;
    }
  }
  return result;
}

/**
 * Merges several generations (the choices of one request, run in parallel) into one stream, in the order
 * events arrive, each tagged with the index of its source. When the consumer stops early or a source
 * fails, every other source is stopped too (its generator's `finally` returns its sequence).
 */
export async function* interleave<T>(
  sources: readonly AsyncGenerator<T>[],
): AsyncGenerator<{ source: number; value: T }> {
  const pending = new Map<number, Promise<{ source: number; result: IteratorResult<T> }>>();
  const pull = (source: number) => {
    const next = sources[source]!.next().then((result) => ({ source, result }));
    next.catch(() => undefined);
    pending.set(source, next);
  };
  sources.forEach((_, i) => {
    pull(i);
  });
  try {
    while (pending.size > 0) {
      const { source, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(source);
        continue;
      }
      pull(source);
      yield { source, value: result.value };
    }
  } finally {
    await Promise.allSettled(sources.map((s) => s.return(undefined)));
  }
}

/**
 * OpenAI `usage` (OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object): token counts from the model's tokenizer.
 */
export function usage(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
