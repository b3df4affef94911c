/**
 * Combinators for the async iterables that carry OpenAI chunks from providers to the HTTP layer.
 */

/**
 * Waits for the first item of `source`, so that failures before anything was produced (an upstream error
 * event in place of the first message) surface as a rejected promise while the HTTP status can still say so.
 * @returns an iterable that yields the first item and then the rest of `source`; `empty` when it had none
 * @throws whatever `source` throws before its first item
 */
export async function peekFirst<T>(
  source: AsyncIterable<T>,
): Promise<{ items: AsyncIterable<T>; empty: boolean }> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const items = (async function* () {
    if (first.done) return;
    yield first.value;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  })();
  return { items, empty: first.done === true };
}

/**
 * Interleaves several async iterables, yielding items in the order they become available. When one source
 * throws, the others are closed and the error is rethrown. Closing the merged iterable closes every source.
 * @param sources iterables to read concurrently
 */
export async function* mergeAsyncIterables<T>(sources: readonly AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  type Step = { index: number; result?: IteratorResult<T>; error?: unknown };
  const pending = new Map<number, Promise<Step>>();
  const pull = (index: number): void => {
    pending.set(
      index,
      iterators[index]!.next().then(
        (result) => ({ index, result }),
        (error: unknown) => ({ index, error: error ?? new Error('async iterable failed') }),
      ),
    );
  };
  for (let i = 0; i < iterators.length; i++) pull(i);
  try {
    while (pending.size > 0) {
      const step = await Promise.race(pending.values());
      pending.delete(step.index);
      if (step.error !== undefined) throw step.error;
      if (step.result!.done) continue;
      pull(step.index);
      yield step.result!.value;
    }
  } finally {
    await Promise.allSettled([...pending.keys()].map((i) => iterators[i]!.return?.()));
  }
}
