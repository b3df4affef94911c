/**
 * Shared setup of the Ollama provider tests: a fake Ollama server (test/support/fake-upstream.ts) and a provider
 * pointing at it, plus a ProviderRequest builder.
 */
import { AbortSwitch } from '../../../src/providers/abort-switch.js';
import { OllamaConfigSchema } from '../../../src/providers/ollama/config.js';
import { OllamaProvider } from '../../../src/providers/ollama/provider.js';
import type {
  Endpoint,
  ModelOptions,
  ProviderRequest,
  ProviderResponse,
} from '../../../src/providers/provider.js';
import { type ProviderHarness, useProviderHarness } from '../../support/provider-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: response assertions read nested fields freely
export type Any = any;

/** The fake server and provider of one test file (provider-harness.ts), plus the last request body. */
export interface OllamaHarness extends ProviderHarness<OllamaProvider> {
  /** The JSON body of the last request the fake received. */
  lastBody(): Any;
}

/** Registers the hooks that start and stop the fake server and provider for the calling test file. */
export function useOllamaHarness(): OllamaHarness {
  const h = useProviderHarness(
    (url, extra) =>
      new OllamaProvider(
        'local-ollama',
        OllamaConfigSchema.parse({ type: 'ollama', base_url: url, ...extra }),
      ),
  );
  return Object.assign(h, { lastBody: () => h.fake.requests.at(-1)?.json });
}

/** A ProviderRequest as routing builds it; the upstream model is `llama3.2`. */
export function call(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  options: ModelOptions = {},
  abort = new AbortSwitch(),
): ProviderRequest {
  return {
    endpoint,
    body,
    clientModel: String(body.model),
    model: 'llama3.2',
    stream: body.stream === true,
    abort,
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
