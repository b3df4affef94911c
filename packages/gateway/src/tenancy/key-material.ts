import { createHash, randomBytes } from 'node:crypto';

/** Every virtual key starts with this, so a presented key is told from a static `server.api_keys` entry. */
export const VIRTUAL_KEY_PREFIX = 'sk-sy-';

/** Random bytes in a new key: 256 bits, base64url-encoded (43 characters after the prefix). */
const KEY_BYTES = 32;

/** Characters of a key kept in the store in clear, to recognise it in listings (`sk-sy-` and 4 more). */
const SHOWN_PREFIX_LENGTH = VIRTUAL_KEY_PREFIX.length + 4;

/** A freshly generated virtual key: the plain key is shown once and never stored. */
export interface NewKeyMaterial {
  /** `sk-sy-` + 43 base64url characters. */
  key: string;
  /** Hex SHA-256 of `key`, what the store keeps. */
  hash: string;
  /** The first 10 characters of `key`. */
  prefix: string;
}

/** Generates a virtual key from `crypto.randomBytes` (32 bytes). */
export function generateVirtualKey(): NewKeyMaterial {
  const key = VIRTUAL_KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
  return { key, hash: hashKey(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH) };
}

/**
 * The hex SHA-256 digest of a key. A key carries 256 random bits, so an unsalted fast hash is enough: there is
 * nothing to brute-force from a leaked table.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True when `presented` has the shape of a virtual key (the prefix); says nothing of whether it exists. */
export function isVirtualKey(presented: string): boolean {
  return presented.startsWith(VIRTUAL_KEY_PREFIX);
}
