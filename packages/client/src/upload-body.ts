/**
 * Turning a {@link FileSource} into what an upload needs: an SDK `Uploadable` for multipart parts, or the sha256
 * digest and the bytes for Ollama's blob upload. Paths are read with `node:fs`, loaded only when a path is given.
 */
import type { Uploadable } from 'openai';
import { toFile } from 'openai';
import type { FileSource } from './file-source.js';

/**
 * The SDK `Uploadable` for a multipart file part. Paths are read from disk under their base name; other sources are
 * named `filename` (default `audio.wav`), which servers use to guess the format.
 */
export async function toUploadable(source: FileSource, filename = 'audio.wav'): Promise<Uploadable> {
  if (typeof source === 'string') {
    const { createReadStream } = await import('node:fs');
    return toFile(createReadStream(source), source.split(/[\\/]/).pop() || filename);
  }
  return toFile(await bytesOf(source), filename);
}

/** An upload body: bytes, or a stream of byte chunks read once. */
export type BodySource = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * `sha256:<hex>` digest of a file source (the digest form of Ollama blobs, Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md) and a body to upload it with. A path is hashed by streaming
 * the file (`node:crypto`), then streamed again for the upload, so a multi-gigabyte model file never sits in memory;
 * other sources are read into memory, since the digest must be known before the upload starts, and hashed with Web
 * Crypto.
 */
export async function digestAndBody(source: FileSource): Promise<{ digest: string; body: () => BodySource }> {
  if (typeof source === 'string') {
    const [{ createReadStream }, { createHash }] = await Promise.all([
      import('node:fs'),
      import('node:crypto'),
    ]);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(source)) hash.update(chunk as Uint8Array);
    return { digest: `sha256:${hash.digest('hex')}`, body: () => createReadStream(source) };
  }
  const bytes = await bytesOf(source);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return {
    digest: `sha256:${[...hash].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
    body: () => bytes,
  };
}

/** All bytes of a non-path source. */
async function bytesOf(source: Exclude<FileSource, string>): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    return new Uint8Array(await new Response(source).arrayBuffer());
  }
  const parts: Uint8Array[] = [];
  for await (const chunk of source as AsyncIterable<Uint8Array>) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
