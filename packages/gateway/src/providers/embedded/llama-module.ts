type LlamaModule = typeof import('node-llama-cpp');

let loading: Promise<LlamaModule> | undefined;
let loaded: LlamaModule | undefined;

/**
 * node-llama-cpp, imported on first use. Importing it costs about 45 MB of RSS and 0.3 s of start-up
 * (measured on this project's CI machine), which a gateway without embedded providers should not pay, so
 * nothing in the gateway imports its values statically (types are free).
 * @throws when the package cannot be loaded (the failed import is forgotten, so a later call retries)
 */
export function llamaModule(): Promise<LlamaModule> {
  loading ??= import('node-llama-cpp').then(
    (module) => {
      loaded = module;
      return module;
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/**
 * The module {@link llamaModule} loaded, for synchronous code that only runs once an engine exists (an
 * engine is built from the loaded runtime).
 * @throws Error when nothing loaded it yet
 */
export function loadedLlamaModule(): LlamaModule {
  if (!loaded) throw new Error('node-llama-cpp is used before the embedded runtime was loaded');
  return loaded;
}
