/**
 * Builds the {@link ProviderRequest} the HTTP layer would hand a provider, and drains provider answers, for
 * unit tests that call providers directly against a fake upstream.
 */
import { AbortSwitch } from '../../src/providers/abort-switch.js';
import type {
  Endpoint,
  ModelOptions,
  ProviderRequest,
  ProviderResponse,
} from '../../src/providers/provider.js';

/**
 * A request for `endpoint` with `body` as the client sent it.
 * @param model upstream model name (also used as the client's model id unless `body.model` is set)
 */
export function providerRequest(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  options: ModelOptions = {},
  model = 'upstream-model',
  abort: AbortSwitch = new AbortSwitch(),
): ProviderRequest {
  return {
    endpoint,
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    clientModel: typeof body.model === 'string' ? body.model : model,
    model,
    stream: body.stream === true,
    abort,
    requestId: 'req-test-1',
    options,
    timing: { waitMs: 0 },
  };
}

/** Every chunk of a `chunks` answer, or the error the iterator threw together with the chunks before it. */
export async function drainChunks(
  response: ProviderResponse,
): Promise<{ chunks: Record<string, unknown>[]; error?: unknown }> {
  if (response.kind !== 'chunks') throw new Error(`expected chunks, got ${response.kind}`);
  const chunks: Record<string, unknown>[] = [];
  try {
    for await (const chunk of response.chunks) chunks.push(chunk as Record<string, unknown>);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

/**
 * The first choice's delta and finish reason of each chunk (the usage of a usage chunk), without ids and
 * timestamps, for comparing a stream's content.
 */
export function chunkDeltas(
  chunks: Record<string, unknown>[],
): { delta?: unknown; finish?: unknown; usage?: unknown }[] {
  return chunks.map((c) => {
    const choices = c.choices as { delta: unknown; finish_reason: unknown }[];
    return choices.length === 0
      ? { usage: c.usage }
      : { delta: choices[0]!.delta, finish: choices[0]!.finish_reason };
  });
}

/** The JSON body of a `json` answer. */
export function jsonBody(response: ProviderResponse): Record<string, unknown> {
  if (response.kind !== 'json') throw new Error(`expected json, got ${response.kind}`);
  return response.body as Record<string, unknown>;
}
