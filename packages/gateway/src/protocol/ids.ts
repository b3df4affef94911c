import { randomBytes } from 'node:crypto';

/**
 * Random ids in OpenAI's style: `chatcmpl-…`, `cmpl-…`, `call_…`, `req_…`.
 * @param prefix including the separator, e.g. `chatcmpl-`
 * @param bytes random bytes (hex-encoded, so the suffix has 2× this many characters)
 */
export function newId(prefix: string, bytes = 12): string {
  return prefix + randomBytes(bytes).toString('hex');
}

/** Current time in Unix seconds, the unit of OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
