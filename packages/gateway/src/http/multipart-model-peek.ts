import { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { GatewayError } from '../core/errors.js';
import { ChunkSpool } from './chunk-spool.js';

/** Bytes of a multipart body read ahead in memory before the rest of the read-ahead spills to disk. */
export const PEEK_MEMORY_BYTES = 256 * 1024;

/** A multipart request whose `model` field has been found, with its body ready to forward unchanged. */
export interface PeekedUpload {
  /** Value of the first `model` form field. */
  model: string;
  /** The client's body, byte for byte: the bytes read ahead, then the rest of the request as it arrives. */
  stream: Readable;
  /** Deletes the read-ahead (memory and temp file). Idempotent; also runs when `stream` ends or fails. */
  dispose(): Promise<void>;
}

/**
 * Reads a `multipart/form-data` body only as far as its `model` field, so the request can be routed before
 * the upload is sent on. The raw bytes read so far are kept (first {@link PEEK_MEMORY_BYTES} in memory, the
 * rest in a temporary file) and replayed in front of the unread remainder, so the upstream receives exactly
 * what the client sent, boundary included. When `model` comes before the file part (curl `-F`, Python SDKs)
 * almost nothing is held; when it comes after (the Node `openai` SDK puts `file` first) the file is spooled to
 * disk, never held whole in memory. The form is parsed with @fastify/busboy; file parts are skipped.
 * @param source the request body stream (not yet read)
 * @param contentType the request's `Content-Type`, with its boundary
 * @param limitBytes largest body accepted (server.body_limit), enforced while reading ahead and while forwarding
 * @throws GatewayError 400 (`invalid_multipart`) for a malformed body, 400 (`missing_required_parameter`,
 *   param `model`) when the form has no `model` field, 400 (`incomplete_body`) when the client stops sending
 *   (e.g. disconnects), 413 (`request_too_large`) past `limitBytes`
 */
export async function peekMultipartModel(
  source: Readable,
  contentType: string,
  limitBytes: number,
): Promise<PeekedUpload> {
  let parser: BusboyInstance;
  try {
    parser = Busboy({ headers: { 'content-type': contentType } });
  } catch (err) {
    throw invalidMultipart((err as Error).message);
  }
  const found: { model?: string; error?: Error } = {};
  parser.on('field', (name, value) => {
    if (name === 'model' && found.model === undefined) found.model = value;
  });
  parser.on('file', (_name, file) => {
    file.on('error', () => undefined);
    file.resume();
  });
  parser.on('error', (err: Error) => {
    found.error ??= err;
  });
  const failIfInvalid = () => {
    if (found.error) throw invalidMultipart(found.error.message);
  };

  const spool = new ChunkSpool(PEEK_MEMORY_BYTES);
  const iterator = source.iterator({ destroyOnReturn: false });
  try {
    while (found.model === undefined) {
      failIfInvalid();
      const step = await iterator.next();
      if (step.done) {
        await endParser(parser);
        failIfInvalid();
        break;
      }
      const chunk = step.value as Buffer;
      if (spool.size + chunk.length > limitBytes) throw tooLarge();
      await spool.append(chunk);
      parser.write(chunk);
    }
  } catch (err) {
    parser.destroy();
    await spool.dispose();
    if (err instanceof GatewayError) throw err;
    throw new GatewayError(400, `request body was not received completely: ${(err as Error).message}`, {
      code: 'incomplete_body',
    });
  }
  parser.destroy();
  const model = found.model;
  if (model === undefined) {
    await spool.dispose();
    throw new GatewayError(400, "Missing required parameter: 'model' (a multipart form field)", {
      param: 'model',
      code: 'missing_required_parameter',
    });
  }

  let forwarded = spool.size;
  async function* forward(): AsyncGenerator<Buffer> {
    try {
      yield* spool.replay();
      for (;;) {
        const step = await iterator.next();
        if (step.done) return;
        const chunk = step.value as Buffer;
        forwarded += chunk.length;
        if (forwarded > limitBytes) throw tooLarge();
        yield chunk;
      }
    } finally {
      await spool.dispose();
    }
  }
  return {
    model,
    stream: Readable.from(forward(), { objectMode: false }),
    dispose: () => spool.dispose(),
  };
}

/** Ends the parser and waits until it has emitted every field (or failed). */
function endParser(parser: BusboyInstance): Promise<void> {
  return new Promise((resolve) => {
    parser.once('finish', resolve);
    parser.once('error', () => resolve());
    parser.end();
  });
}

function invalidMultipart(detail: string): GatewayError {
  return new GatewayError(400, `request body is not valid multipart/form-data: ${detail}`, {
    code: 'invalid_multipart',
  });
}

function tooLarge(): GatewayError {
  return new GatewayError(413, 'Request body is larger than the configured limit (server.body_limit)', {
    code: 'request_too_large',
  });
}
