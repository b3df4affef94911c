/** File inputs given as a path, bytes or a stream, for uploads (transcriptions, Ollama blobs). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { Uploadable } from 'openai';
import { toFile } from 'openai';

/** A file: a filesystem path, its bytes, or a readable stream of its bytes. */
export type FileSource = string | Buffer | Uint8Array | Readable;

/**
 * The SDK `Uploadable` for a multipart file part. Paths are streamed from disk under their base name;
 * bytes and streams are named `filename` (default `audio.wav`), which servers use to guess the format.
 */
export async function toUploadable(source: FileSource, filename = 'audio.wav'): Promise<Uploadable> {
  if (typeof source === 'string') return toFile(createReadStream(source), basename(source));
  return toFile(source, filename);
}

/**
 * `sha256:<hex>` digest of a file source (the digest form of Ollama blobs, Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md) and a body to upload it with. A path is hashed by streaming
 * the file, then streamed again for the upload; bytes are used as is; a stream is read into memory first, since the
 * digest must be known before the upload starts.
 */
export async function digestAndBody(source: FileSource): Promise<{ digest: string; body: () => BodySource }> {
  const hash = createHash('sha256');
  if (typeof source === 'string') {
    for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer);
    return { digest: `sha256:${hash.digest('hex')}`, body: () => createReadStream(source) };
  }
  const bytes = source instanceof Uint8Array ? source : await collect(source);
  hash.update(bytes);
  return { digest: `sha256:${hash.digest('hex')}`, body: () => bytes };
}

/** An upload body: bytes, or a stream read once. */
export type BodySource = Uint8Array | Readable;

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}
