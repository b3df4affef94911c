import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ModelFacts } from '../../core/model-facts.js';
import { llamaModule } from './llama-module.js';
import type { ModelFile } from './model-files.js';

/** Vocabulary arrays left out of the metadata (thousands of entries; a listing needs none of them). */
const HEAVY_KEYS = [
  'tokenizer.ggml.tokens',
  'tokenizer.ggml.scores',
  'tokenizer.ggml.token_type',
  'tokenizer.ggml.merges',
];

const cache = new Map<string, { key: string; facts: Promise<ModelFacts> }>();

/**
 * Reads the facts of a GGUF model file: size, modification time, the sha256 of its bytes (the file is read
 * once), the header metadata flattened to dotted keys and the weight count from the tensor table. Cached per
 * path until the file's size or modification time changes.
 * @throws when the file is missing or not a GGUF file
 */
export async function readModelFacts(file: ModelFile): Promise<ModelFacts> {
  const stats = await stat(file.path);
  const key = `${stats.size}:${stats.mtimeMs}:${file.chatTemplate ?? ''}`;
  const cached = cache.get(file.path);
  if (cached?.key === key) return cached.facts;
  const facts = collect(file, stats.size, Math.floor(stats.mtimeMs / 1000));
  cache.set(file.path, { key, facts });
  facts.catch(() => cache.delete(file.path));
  return facts;
}

async function collect(file: ModelFile, sizeBytes: number, modifiedAt: number): Promise<ModelFacts> {
  const gguf = await (await llamaModule()).readGgufFileInfo(file.path, {
    readTensorInfo: true,
    ignoreKeys: HEAVY_KEYS,
    logWarnings: false,
    sourceType: 'filesystem',
  });
  const metadata = flatten(gguf.metadata as unknown as Record<string, unknown>);
  const template = file.chatTemplate ?? metadata['tokenizer.chat_template'];
  const parameterCount = gguf.fullTensorInfo?.reduce(
    (sum, tensor) => sum + tensor.dimensions.reduce<number>((n, d) => n * Number(d), 1),
    0,
  );
  return {
    sizeBytes,
    modifiedAt,
    sha256: await sha256Of(file.path),
    format: 'gguf',
    metadata,
    ...(parameterCount ? { parameterCount } : {}),
    ...(typeof template === 'string' ? { chatTemplate: template } : {}),
  };
}

function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}) {
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      flatten(item as Record<string, unknown>, path, out);
    } else {
      out[path] = typeof item === 'bigint' ? Number(item) : item;
    }
  }
  return out;
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
