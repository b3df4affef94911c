/**
 * Per-model fault scripts for the fake upstream: each upstream model name gets a list of answers used in
 * order (the last one repeats), so one fake upstream and one gateway can hold many independent scenarios.
 */
import type { FakeRoute, RecordedRequest } from './fake-upstream.js';

/** A 200 chat completion (test/fixtures/openai/chat-text.json). */
export const OK: FakeRoute = { fixture: 'openai/chat-text.json' };
/** A streamed chat completion (test/fixtures/openai/chat-text.sse). */
export const OK_STREAM: FakeRoute = { fixture: 'openai/chat-text.sse' };

/** Scripted answers keyed by the upstream model name in the request body. */
export class FaultScript {
  private readonly scripts = new Map<string, FakeRoute[]>();
  private readonly arrivals = new Map<string, number[]>();

  /** Answers for `model`, in order; the last repeats. Resets the model's arrival log. */
  set(model: string, ...routes: FakeRoute[]): void {
    this.scripts.set(model, routes);
    this.arrivals.set(model, []);
  }

  /** `performance.now()` of each request the fake upstream received for `model`. */
  arrivalsOf(model: string): number[] {
    return this.arrivals.get(model) ?? [];
  }

  /** The fake-upstream handler (streams get the SSE answer when the script says OK). */
  readonly handler = (req: RecordedRequest): FakeRoute => {
    const body = req.json as { model?: string; stream?: boolean } | undefined;
    const model = body?.model ?? '';
    this.arrivals.get(model)?.push(performance.now());
    const script = this.scripts.get(model);
    const route = (script && script.length > 1 ? script.shift() : script?.[0]) ?? {
      status: 404,
      json: { error: { message: `no script for model '${model}'` } },
    };
    return route === OK && body?.stream ? OK_STREAM : route;
  };
}
