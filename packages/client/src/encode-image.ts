/**
 * `encodeImage`: an image as a `data:` URL for an OpenAI `image_url` content part (OpenAI API reference, Create chat
 * completion, image_url: https://platform.openai.com/docs/api-reference/chat/create), which vLLM, Ollama's `/v1` and
 * Switchyard accept as well; on the `ollama` platform the client turns such parts into Ollama's base64 `images`.
 */
import { bytesToBase64 } from './base64.js';

/** What `encodeImage` accepts: bytes, a `Blob`/`File`, or a filesystem path (Node, Deno and Bun only). */
export type ImageSource = Uint8Array | ArrayBuffer | Blob | string;

/** Leading bytes of the image formats servers accept, with their media types (each format's specification). */
const SIGNATURES: { type: string; test: (b: Uint8Array) => boolean }[] = [
  // PNG, RFC 2083 §12.11 (PNG file signature)
  { type: 'image/png', test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  // JPEG, ITU T.81 Annex B (SOI marker followed by a marker)
  { type: 'image/jpeg', test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  // GIF87a / GIF89a
  { type: 'image/gif', test: (b) => starts(b, [0x47, 0x49, 0x46, 0x38]) },
  // WebP, RFC 9649 §2 ("RIFF" size "WEBP")
  {
    type: 'image/webp',
    test: (b) => starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
  },
  // BMP ("BM")
  { type: 'image/bmp', test: (b) => starts(b, [0x42, 0x4d]) },
];

function starts(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** The media type of an image from its first bytes, or undefined when it is none of PNG, JPEG, GIF, WebP, BMP. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => s.test(bytes))?.type;
}

/**
 * The image as `data:<media type>;base64,<bytes>`.
 * @param mediaType e.g. `image/png`; default: detected from the bytes (PNG, JPEG, GIF, WebP, BMP), else the `Blob`'s
 *   own type
 * @throws {TypeError} (rejected) when the type is neither given nor detectable, or a path is given where there is
 *   no filesystem
 * @example
 * const url = await encodeImage('./cat.png');
 * await client.chat.completions.create({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }] }],
 * });
 */
export async function encodeImage(source: ImageSource, mediaType?: string): Promise<string> {
  const bytes = await bytesOf(source);
  const type =
    mediaType ?? sniffImageType(bytes) ?? (source instanceof Blob && source.type ? source.type : undefined);
  if (!type) throw new TypeError('encodeImage: unknown image format; pass the media type, e.g. "image/png"');
  return `data:${type};base64,${bytesToBase64(bytes)}`;
}

async function bytesOf(source: ImageSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  const fs = await import('node:fs/promises').catch(() => undefined);
  if (!fs) throw new TypeError('encodeImage: a path needs a filesystem; pass the bytes or a Blob instead');
  return new Uint8Array(await fs.readFile(source));
}
