import { randomBytes } from 'node:crypto';

/** Random bytes drawn per refill of the id pool: one `randomBytes` call serves many ids. */
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/**
 * Random ids in OpenAI's style: `chatcmpl-…`, `cmpl-…`, `call_…`, `req_…`. The bytes come from a pool
 * filled by `crypto.randomBytes` 4 KiB at a time (as Node's `randomUUID` does), which takes a syscall and
 * a buffer allocation off every request. Ids are unique, not secrets.
 * @param prefix including the separator, e.g. `chatcmpl-`
 * @param bytes random bytes, at most 4096 (hex-encoded, so the suffix has 2× this many characters)
 */
export function newId(prefix: string, bytes = 12): string {
  if (offset + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const id = prefix + pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return id;
}

/** Current time in Unix seconds, the unit of OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
