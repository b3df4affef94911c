/** File inputs for uploads (transcriptions, Ollama blobs), typed without Node's types. */

/**
 * A file: a filesystem path (Node, Deno and Bun only), its bytes (`Uint8Array`, so also a Node `Buffer`), a `Blob`
 * or `File`, a web `ReadableStream` of bytes, or any async iterable of byte chunks (a Node `Readable`).
 */
export type FileSource = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
