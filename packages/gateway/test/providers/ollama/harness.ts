/**
 * Shared setup of the Ollama provider tests: a fake Ollama server (test/support/fake-upstream.ts) and a provider
 * pointing at it, plus a ProviderRequest builder.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { OllamaConfigSchema } from '../../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../../src/providers/ollama/provider.js';
import type {
  Endpoint,
  ModelOptions,
  ProviderRequest,
  ProviderResponse,
} from '../../../src/providers/provider.js';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';

// biome-ignore lint/suspicious/noExplicitAny: response assertions read nested fields freely
export type Any = any;

/** The fake server and provider of one test file; filled in by `beforeAll`. */
export interface OllamaHarness {
  fake: FakeUpstream;
  provider: OllamaProvider;
  /** A further provider on the same fake, with extra config fields; the caller closes it. */
  makeProvider(extra?: Record<string, unknown>): OllamaProvider;
  /** The JSON body of the last request the fake received. */
  lastBody(): Any;
}

/** Registers the hooks that start and stop the fake server and provider for the calling test file. */
export function useOllamaHarness(): OllamaHarness {
  const h = {
    makeProvider: (extra: Record<string, unknown> = {}) =>
      new OllamaProvider(
        'local-ollama',
        OllamaConfigSchema.parse({ type: 'ollama', base_url: h.fake.url, ...extra }),
      ),
    lastBody: () => h.fake.requests.at(-1)?.json,
  } as OllamaHarness;
  beforeAll(async () => {
    h.fake = await startFakeUpstream();
    h.provider = h.makeProvider();
  });
  afterAll(async () => {
    await h.provider.close();
    await h.fake.close();
  });
  afterEach(() => {
    h.fake.requests.length = 0;
  });
  return h;
}

/** A ProviderRequest as routing builds it; the upstream model is `llama3.2`. */
export function call(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  options: ModelOptions = {},
  signal = new AbortController().signal,
): ProviderRequest {
  return {
    endpoint,
    body,
    clientModel: String(body.model),
    model: 'llama3.2',
    stream: body.stream === true,
    signal,
    requestId: 'req_123',
    options,
    timing: { waitMs: 0 },
  };
}

/** Reads every chunk of a `{kind: 'chunks'}` response. */
export async function drain(res: ProviderResponse): Promise<Any[]> {
  if (res.kind !== 'chunks') throw new Error(`expected chunks, got ${res.kind}`);
  const out: Any[] = [];
  for await (const c of res.chunks) out.push(c);
  return out;
}
