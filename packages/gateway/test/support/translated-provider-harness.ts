/**
 * Harnesses for the Anthropic and Gemini provider tests (provider-harness.ts): each provider on a fake
 * upstream that answers its non-streaming chat route with a fixture text answer.
 */
import { AnthropicConfigSchema } from '../../src/providers/anthropic/config.js';
import { AnthropicProvider } from '../../src/providers/anthropic/provider.js';
import { GeminiConfigSchema } from '../../src/providers/gemini/config.js';
import { GeminiProvider } from '../../src/providers/gemini/provider.js';
import { type ProviderHarness, useProviderHarness } from './provider-harness.js';

/** The Messages route of the fake Anthropic API (base URL `<fake>/v1`). */
export const ANTHROPIC_MESSAGES = 'POST /v1/messages';
/** The non-streaming route of the upstream model `gemini-2.5-flash` (base URL `<fake>/v1beta`). */
export const GEMINI_GENERATE = 'POST /v1beta/models/gemini-2.5-flash:generateContent';

/** Provider `claude` of `type: anthropic`, key `sk-ant-test`; `/v1/messages` answers anthropic/text.json. */
export function useAnthropicHarness(): ProviderHarness<AnthropicProvider> {
  return useProviderHarness(
    (url, extra) =>
      new AnthropicProvider(
        'claude',
        AnthropicConfigSchema.parse({
          type: 'anthropic',
          base_url: `${url}/v1`,
          api_key: 'sk-ant-test',
          ...extra,
        }),
      ),
    { [ANTHROPIC_MESSAGES]: { fixture: 'anthropic/text.json' } },
  );
}

/** Provider `google` of `type: gemini`, key `AIza-test`; {@link GEMINI_GENERATE} answers gemini/text.json. */
export function useGeminiHarness(): ProviderHarness<GeminiProvider> {
  return useProviderHarness(
    (url, extra) =>
      new GeminiProvider(
        'google',
        GeminiConfigSchema.parse({
          type: 'gemini',
          base_url: `${url}/v1beta`,
          api_key: 'AIza-test',
          ...extra,
        }),
      ),
    { [GEMINI_GENERATE]: { fixture: 'gemini/text.json' } },
  );
}
