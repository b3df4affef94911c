/**
 * The platform names the client accepts in `platform:`. A platform is one handler file in this folder, listed
 * here and in `registry.ts`.
 */
export const PLATFORM_NAMES = ['vllm', 'ollama', 'openai', 'switchyard'] as const;

/** A platform name: which server dialect the client speaks. */
export type Platform = (typeof PLATFORM_NAMES)[number];
