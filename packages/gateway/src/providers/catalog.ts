import { anthropicDefinition } from './anthropic/provider.js';
import type { ProviderDefinition } from './definition.js';
import { embeddedDefinition } from './embedded/provider.js';
import { geminiDefinition } from './gemini/provider.js';
import { ollamaDefinition } from './ollama/provider.js';
import { openAICompatibleDefinition } from './openai-compatible/provider.js';

/**
 * Every provider type the gateway knows. Adding a provider type is one folder under `providers/` and one
 * line here; the config loader validates `providers.<id>` entries with the matching definition's schema.
 */
export const providerDefinitions: readonly ProviderDefinition[] = [
  openAICompatibleDefinition as unknown as ProviderDefinition,
  embeddedDefinition as unknown as ProviderDefinition,
  ollamaDefinition as unknown as ProviderDefinition,
  anthropicDefinition as unknown as ProviderDefinition,
  geminiDefinition as unknown as ProviderDefinition,
];
