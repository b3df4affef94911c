import type { Llama } from 'node-llama-cpp';
import type { Logger } from 'pino';
import { llamaModule } from './llama-module.js';

let runtime: Promise<Llama> | undefined;

/**
 * The process-wide llama.cpp runtime, loaded on first call and shared by every embedded provider.
 * CPU only, prebuilt binaries only (`build: "never"`: never compiles llama.cpp at run time).
 * llama.cpp's own log lines at warning level and above go to `logger` (the first caller's).
 * @throws when no prebuilt binary fits this machine (the failed attempt is forgotten, so a later call retries)
 */
export function llamaRuntime(logger: Logger): Promise<Llama> {
  runtime ??= loadRuntime(logger).catch((err: unknown) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
}

async function loadRuntime(logger: Logger): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await llamaModule();
  return getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (!text) return;
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) logger.error({ llama: text });
      else logger.warn({ llama: text });
    },
  });
}
