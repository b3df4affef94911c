/**
 * The embedded provider's `models_dir` as a writable model store (providers/model-store.ts): a model is
 * `<id>.gguf`, its create-time defaults `<id>.defaults.json`, uploaded blobs `.blobs/sha256-<hex>`, and a
 * download in progress `<id>.gguf.partial` (none of which the directory scan takes for a model).
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GatewayError } from '../../core/errors.js';
import type { CreateModelRequest, ModelDefaults, ModelProgress, ModelStore } from '../model-store.js';
import { startDownload } from './model-download.js';

/** What the store needs from its provider. */
export interface ModelStoreHooks {
  /** Frees the loaded weights of model `id`, if loaded. */
  unload(id: string): Promise<void>;
  /** The file of model `id` (from `models_dir` or the config's `models`), when the provider has it. */
  modelPath(id: string): Promise<string | undefined>;
  /** True when model `id` is declared in the config's `models` list (its file is not the store's to change). */
  configured(id: string): boolean;
}

/** Model ids the store writes: a file name without a path, not hidden. */
const MODEL_ID = /^[A-Za-z0-9_][A-Za-z0-9_.+:-]{0,199}$/;

const DIGEST = /^sha256[:-]([a-f0-9]{64})$/;

const NAME_DIGEST = /^(.+)@sha256:([a-f0-9]{64})$/i;

/** Ollama's default tag, which names nothing more than the bare name. */
const LATEST = ':latest';

/**
 * Model files in one directory.
 * @param dir absolute `models_dir`
 * @param registry base URL that names which are not URLs are looked up under (`<registry>/<name>.gguf`)
 */
export class EmbeddedModelStore implements ModelStore {
  private readonly pulling = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly registry: string | undefined,
    private readonly hooks: ModelStoreHooks,
  ) {}

  async pull(name: string, signal: AbortSignal): Promise<AsyncIterable<ModelProgress>> {
    const pinned = NAME_DIGEST.exec(name);
    const bare = pinned ? pinned[1]! : name;
    const { url, id } = this.locate(bare);
    if (this.pulling.has(id)) {
      throw new GatewayError(409, `model '${id}' is already being pulled`, { code: 'invalid_request' });
    }
    this.pulling.add(id);
    try {
      const progress = await startDownload(
        { url, target: this.file(id), ...(pinned ? { sha256: pinned[2]!.toLowerCase() } : {}) },
        signal,
      );
      return this.pullLines(id, progress);
    } catch (err) {
      this.pulling.delete(id);
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    const name = stripLatest(id);
    if (this.hooks.configured(name)) throw configuredModel(name);
    if (!MODEL_ID.test(name) || !(await exists(this.file(name)))) throw notFound(id);
    await this.hooks.unload(name);
    await rm(this.file(name));
    await rm(this.defaultsFile(name), { force: true });
  }

  async copy(source: string, destination: string): Promise<void> {
    const from = await this.sourcePath(source);
    const to = this.writableId(destination);
    await this.replaceWith(from, to);
    const defaults = await this.defaults(stripLatest(source));
    await this.writeDefaults(to, defaults ?? {});
  }

  async hasBlob(digest: string): Promise<boolean> {
    return exists(this.blobFile(digestHex(digest)));
  }

  async putBlob(digest: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    const hex = digestHex(digest);
    await mkdir(join(this.dir, '.blobs'), { recursive: true });
    const temporary = join(this.dir, '.blobs', `upload-${randomUUID()}`);
    const hash = createHash('sha256');
    const file = await open(temporary, 'w');
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        await file.write(chunk);
      }
    } catch (err) {
      await file.close();
      await rm(temporary, { force: true });
      throw err;
    }
    await file.close();
    const actual = hash.digest('hex');
    if (actual !== hex) {
      await rm(temporary, { force: true });
      throw new GatewayError(400, `digest mismatch, expected "sha256:${hex}", got "sha256:${actual}"`, {
        code: 'invalid_value',
      });
    }
    await rename(temporary, this.blobFile(hex));
  }

  async create(request: CreateModelRequest): Promise<ModelProgress[]> {
    const id = this.writableId(request.model);
    const progress: ModelProgress[] = [];
    const files = Object.entries(request.files ?? {});
    if (files.length > 0) {
      const ggufs = files.filter(([file]) => file.endsWith('.gguf'));
      if (ggufs.length !== 1 || files.length !== 1) {
        throw new GatewayError(400, 'files must name exactly one .gguf file (a single-file GGUF model)', {
          param: 'files',
          code: 'invalid_value',
        });
      }
      const hex = digestHex(ggufs[0]![1]);
      if (!(await exists(this.blobFile(hex)))) {
        throw new GatewayError(
          400,
          `blob sha256:${hex} not found; upload it with POST /api/blobs/sha256:${hex}`,
          {
            param: 'files',
            code: 'invalid_value',
          },
        );
      }
      progress.push({ status: 'parsing GGUF' }, { status: `using existing layer sha256:${hex}` });
      await this.replaceWith(this.blobFile(hex), id);
      await this.writeDefaults(id, pickDefaults(request));
    } else if (request.from !== undefined) {
      const from = await this.sourcePath(request.from);
      const inherited = (await this.defaults(stripLatest(request.from))) ?? {};
      await this.replaceWith(from, id);
      await this.writeDefaults(id, { ...inherited, ...pickDefaults(request) });
    } else {
      throw new GatewayError(400, "neither 'from' or 'files' was specified", {
        code: 'missing_required_parameter',
      });
    }
    progress.push({ status: 'writing manifest' }, { status: 'success' });
    return progress;
  }

  async defaults(id: string): Promise<ModelDefaults | undefined> {
    if (!MODEL_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.defaultsFile(id), 'utf8')) as ModelDefaults;
    } catch {
      return undefined;
    }
  }

  private async *pullLines(
    id: string,
    download: AsyncIterable<ModelProgress>,
  ): AsyncGenerator<ModelProgress> {
    try {
      yield { status: 'pulling manifest' };
      yield* download;
      await this.hooks.unload(id);
      await rm(this.defaultsFile(id), { force: true });
      yield { status: 'writing manifest' };
      yield { status: 'success' };
    } finally {
      this.pulling.delete(id);
    }
  }

  /** The URL a pull name refers to and the model id it is stored under. */
  private locate(name: string): { url: string; id: string } {
    if (/^https?:\/\//i.test(name)) {
      let url: URL;
      try {
        url = new URL(name);
      } catch {
        throw new GatewayError(400, `invalid model URL '${name}'`, { param: 'model', code: 'invalid_value' });
      }
      const file = decodeURIComponent(basename(url.pathname));
      return { url: url.href, id: this.writableId(file.replace(/\.gguf$/i, '')) };
    }
    const id = this.writableId(name);
    if (this.registry === undefined) {
      throw new GatewayError(
        400,
        `cannot pull '${name}': give the URL of a GGUF file, or set pull_registry on the embedded provider`,
        { param: 'model', code: 'invalid_value' },
      );
    }
    const base = this.registry.endsWith('/') ? this.registry : `${this.registry}/`;
    return { url: new URL(`${encodeURIComponent(id)}.gguf`, base).href, id };
  }

  private writableId(name: string): string {
    const id = stripLatest(name);
    if (!MODEL_ID.test(id)) {
      throw new GatewayError(400, `invalid model name '${name}': use letters, digits and _ . + : -`, {
        param: 'model',
        code: 'invalid_value',
      });
    }
    if (this.hooks.configured(id)) throw configuredModel(id);
    return id;
  }

  private async sourcePath(source: string): Promise<string> {
    const path = await this.hooks.modelPath(stripLatest(source));
    if (path === undefined) throw notFound(source);
    return path;
  }

  /** Makes `from` the file of model `id`: a hard link where the file system allows it, else a copy. */
  private async replaceWith(from: string, id: string): Promise<void> {
    const temporary = join(this.dir, `.${id}.${randomUUID()}.tmp`);
    try {
      await link(from, temporary);
    } catch {
      await copyFile(from, temporary);
    }
    await this.hooks.unload(id);
    await rename(temporary, this.file(id));
  }

  private async writeDefaults(id: string, defaults: ModelDefaults): Promise<void> {
    if (defaults.system === undefined && defaults.parameters === undefined) {
      await rm(this.defaultsFile(id), { force: true });
      return;
    }
    await writeFile(this.defaultsFile(id), JSON.stringify(defaults));
  }

  private file(id: string): string {
    return join(this.dir, `${id}.gguf`);
  }

  private defaultsFile(id: string): string {
    return join(this.dir, `${id}.defaults.json`);
  }

  private blobFile(hex: string): string {
    return join(this.dir, '.blobs', `sha256-${hex}`);
  }
}

function pickDefaults(request: CreateModelRequest): ModelDefaults {
  return {
    ...(request.system !== undefined ? { system: request.system } : {}),
    ...(request.parameters !== undefined ? { parameters: request.parameters } : {}),
  };
}

function stripLatest(name: string): string {
  return name.endsWith(LATEST) ? name.slice(0, -LATEST.length) : name;
}

function digestHex(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match) {
    throw new GatewayError(400, `invalid digest '${digest}': expected sha256:<64 hex digits>`, {
      param: 'digest',
      code: 'invalid_value',
    });
  }
  return match[1]!;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function notFound(name: string): GatewayError {
  return new GatewayError(404, `model '${name}' not found`, { param: 'model', code: 'model_not_found' });
}

function configuredModel(id: string): GatewayError {
  return new GatewayError(
    400,
    `model '${id}' is declared in the config file's models list; change it there`,
    { param: 'model', code: 'invalid_value' },
  );
}
