/**
 * The platform factory: maps `platform:` to the file that implements it. Adding a platform is one file in this
 * folder plus its name in `names.ts` and its line here.
 */
import type { Platform } from './names.js';
import { createOllamaPlatform } from './ollama.js';
import { createOpenAIPlatform } from './openai.js';
import type { PlatformContext, PlatformHandler } from './platform.js';
import { createSwitchyardPlatform } from './switchyard.js';
import { createVllmPlatform } from './vllm.js';

const FACTORIES: Record<Platform, (context: PlatformContext) => PlatformHandler> = {
  vllm: createVllmPlatform,
  ollama: createOllamaPlatform,
  openai: createOpenAIPlatform,
  switchyard: createSwitchyardPlatform,
};

/** Creates the handler of `context.config.platform`. */
export function createPlatform(context: PlatformContext): PlatformHandler {
  return FACTORIES[context.config.platform](context);
}
