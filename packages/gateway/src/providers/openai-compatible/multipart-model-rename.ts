import { Readable } from 'node:stream';

/** Longest part header block searched for, bytes; larger headers are passed on unexamined. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Rewrites the value of the first `model` form field of a `multipart/form-data` stream (RFC 7578) from the
 * client's model id to the deployment's upstream name, passing every other byte through unchanged and without
 * buffering more than one part header and value. Parts are found by their boundary delimiter, which cannot
 * occur inside part content, so file bytes are never mistaken for a field. A stream whose `model` field does
 * not hold exactly `from` is passed through unchanged.
 * @param source the client's multipart body
 * @param boundary the `boundary` parameter of its content type
 * @param from the model id the client sent (the field's current value)
 * @param to the upstream model name
 * @returns the rewritten stream; its length differs from the client's, so send it without `Content-Length`
 */
export function renameMultipartModel(
  source: AsyncIterable<Buffer>,
  boundary: string,
  from: string,
  to: string,
): Readable {
  const delimiter = Buffer.from(`--${boundary}\r\n`);
  const oldValue = Buffer.from(`${from}\r\n--${boundary}`);
  const newValue = Buffer.from(`${to}\r\n--${boundary}`);

  async function* rewrite(): AsyncGenerator<Buffer> {
    let pending: Buffer = Buffer.alloc(0);
    let scanFrom = 0;
    let done = false;
    for await (const chunk of source) {
      if (done) {
        yield chunk;
        continue;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const start = pending.indexOf(delimiter, scanFrom);
        if (start < 0) {
          const keep = Math.max(scanFrom, pending.length - delimiter.length + 1);
          if (keep > 0) yield pending.subarray(0, keep);
          pending = pending.subarray(keep);
          scanFrom = 0;
          break;
        }
        const headerEnd = pending.indexOf('\r\n\r\n', start);
        if (headerEnd < 0) {
          if (pending.length - start > MAX_HEADER_BYTES) {
            scanFrom = start + delimiter.length;
            continue;
          }
          if (start > 0) yield pending.subarray(0, start);
          pending = pending.subarray(start);
          scanFrom = 0;
          break;
        }
        const header = pending.subarray(start, headerEnd).toString('latin1');
        if (!/;\s*name="model"/i.test(header)) {
          scanFrom = headerEnd + 4;
          continue;
        }
        const valueStart = headerEnd + 4;
        if (pending.length < valueStart + oldValue.length) {
          if (start > 0) yield pending.subarray(0, start);
          pending = pending.subarray(start);
          scanFrom = 0;
          break;
        }
        done = true;
        if (pending.subarray(valueStart, valueStart + oldValue.length).equals(oldValue)) {
          yield pending.subarray(0, valueStart);
          yield newValue;
          yield pending.subarray(valueStart + oldValue.length);
        } else {
          yield pending;
        }
        pending = Buffer.alloc(0);
        break;
      }
    }
    if (pending.length > 0) yield pending;
  }

  return Readable.from(rewrite(), { objectMode: false });
}

/**
 * The `boundary` parameter of a multipart content type (RFC 2046 §5.1.1), quoted or not.
 * @returns undefined when absent
 */
export function multipartBoundary(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}
