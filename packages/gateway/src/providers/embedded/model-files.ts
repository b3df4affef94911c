import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { EmbeddedConfig } from './config.js';
import { llamaModule } from './llama-module.js';

/** A GGUF model the provider serves, resolved from config; nothing is loaded yet. */
export interface ModelFile {
  /** Gateway model id: the configured id, or the file name without `.gguf`. */
  id: string;
  /** Absolute path of the `.gguf` file. */
  path: string;
  /** Chat template from config, overriding the GGUF's own. */
  chatTemplate?: string;
}

/** What `listModels` reports about a file, read from its GGUF header only (never the weights). */
export interface ModelFileInfo {
  /** Trained context length in tokens (GGUF `<architecture>.context_length`), when present. */
  trainContextSize?: number;
  /** File modification time, Unix seconds (reported as `created`). */
  modifiedAt: number;
}

/** Large vocabulary arrays skipped when only the header facts are needed. */
const HEAVY_KEYS = [
  'tokenizer.ggml.tokens',
  'tokenizer.ggml.scores',
  'tokenizer.ggml.token_type',
  'tokenizer.ggml.merges',
];

/**
 * Lists the models of an embedded provider: every `*.gguf` directly in `models_dir` (id = file name without
 * `.gguf`, sorted by id) plus the explicit `models` entries, which win on an id clash. Relative paths resolve
 * against `configDir`. (Whether the gateway lists them is the provider's `discover` setting.)
 * @throws when `models_dir` cannot be read (missing directory, no permission)
 */
export async function resolveModelFiles(config: EmbeddedConfig, configDir: string): Promise<ModelFile[]> {
  const byId = new Map<string, ModelFile>();
  if (config.models_dir) {
    const dir = resolve(configDir, config.models_dir);
    const entries = await readdir(dir, { withFileTypes: true });
    const found = entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.gguf'))
      .map((entry) => ({ id: basename(entry.name, '.gguf'), path: resolve(dir, entry.name) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const file of found) byId.set(file.id, file);
  }
  for (const model of config.models) {
    byId.set(model.id, {
      id: model.id,
      path: resolve(configDir, model.path),
      ...(model.chat_template ? { chatTemplate: model.chat_template } : {}),
    });
  }
  return [...byId.values()];
}

const infoCache = new Map<string, { key: string; info: ModelFileInfo }>();

/**
 * Reads the header facts of a GGUF file (a few kilobytes: metadata without the vocabulary arrays), cached
 * per path until the file's size or modification time changes.
 * @throws when the file is missing or not a GGUF file
 */
export async function readModelFileInfo(path: string): Promise<ModelFileInfo> {
  const stats = await stat(path);
  const key = `${stats.size}:${stats.mtimeMs}`;
  const cached = infoCache.get(path);
  if (cached?.key === key) return cached.info;
  const gguf = await (await llamaModule()).readGgufFileInfo(path, {
    readTensorInfo: false,
    ignoreKeys: HEAVY_KEYS,
    logWarnings: false,
    sourceType: 'filesystem',
  });
  const metadata = gguf.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const architecture = metadata.general?.architecture;
  const contextLength = typeof architecture === 'string' ? metadata[architecture]?.context_length : undefined;
  const info: ModelFileInfo = {
    modifiedAt: Math.floor(stats.mtimeMs / 1000),
    ...(typeof contextLength === 'number' ? { trainContextSize: contextLength } : {}),
  };
  infoCache.set(path, { key, info });
  return info;
}
