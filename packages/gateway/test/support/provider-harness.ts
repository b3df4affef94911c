/**
 * Shared setup of provider unit tests: a fake upstream (fake-upstream.ts) and a provider pointing at it,
 * started before a test file's tests and closed after them.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Provider, ProviderResponse } from '../../src/providers/provider.js';
import { type FakeRoute, type FakeUpstream, startFakeUpstream } from './fake-upstream.js';
import { drainChunks } from './provider-request.js';

/** The fake upstream and provider of one test file; `fake` and `provider` are set by `beforeAll`. */
export interface ProviderHarness<P extends Provider> {
  fake: FakeUpstream;
  provider: P;
  /** A further provider on the same fake upstream, with extra config fields; the caller closes it. */
  makeProvider(extra?: Record<string, unknown>): P;
}

/**
 * Registers the calling test file's hooks: `beforeAll` starts the fake upstream and the provider,
 * `beforeEach` forgets the recorded requests and puts `routes` back (a test may have replaced them),
 * `afterAll` closes both.
 * @param create makes a provider for the fake upstream's URL (`http://127.0.0.1:PORT`) with extra config
 * @param routes the fake upstream's routes at the start of every test, keyed `METHOD /path`
 */
export function useProviderHarness<P extends Provider>(
  create: (fakeUrl: string, extra: Record<string, unknown>) => P,
  routes: Record<string, FakeRoute> = {},
): ProviderHarness<P> {
  const h = {
    makeProvider: (extra: Record<string, unknown> = {}) => create(h.fake.url, extra),
  } as ProviderHarness<P>;
  beforeAll(async () => {
    h.fake = await startFakeUpstream(routes);
    h.provider = h.makeProvider();
  });
  beforeEach(() => {
    h.fake.requests.length = 0;
    for (const [key, route] of Object.entries(routes)) h.fake.route(key, route);
  });
  afterAll(async () => {
    await h.provider.close();
    await h.fake.close();
  });
  return h;
}

/** A drained streaming answer (provider-request.ts {@link drainChunks}). */
export type DrainedChunks = Awaited<ReturnType<typeof drainChunks>>;

/**
 * Streams a recorded transcript through a provider twice: the fake upstream sends `fixture` on `routeKey`
 * whole, then one byte at a time, and `run` makes the provider call each time.
 * @returns the drained answers, whole first; a parser that depends on chunk boundaries makes them differ.
 *   `created` (the gateway's clock, for providers that send none) is set to 0 in both, since the two runs may
 *   straddle a second.
 */
export async function replayWholeAndByteByByte(
  fake: FakeUpstream,
  routeKey: string,
  fixture: string,
  run: () => Promise<ProviderResponse>,
): Promise<[whole: DrainedChunks, byteByByte: DrainedChunks]> {
  const results: DrainedChunks[] = [];
  for (const byteByByte of [false, true]) {
    fake.route(routeKey, { fixture, byteByByte });
    const drained = await drainChunks(await run());
    for (const chunk of drained.chunks as { created?: number }[]) {
      if (typeof chunk.created === 'number') chunk.created = 0;
    }
    results.push(drained);
  }
  return [results[0]!, results[1]!];
}
