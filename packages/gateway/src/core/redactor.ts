/**
 * Removes configured secrets (provider keys, the gateway's API keys, values of secret-named environment
 * variables) from text that is about to leave the process: error messages sent to clients, stream error
 * events, log lines. Upstreams can echo what they received (an `Authorization` header in an error message);
 * nothing they say may carry a key back out.
 */

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this (characters) are not searched for: too short to tell from ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of a known secret in text with {@link REDACTED}. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;
  private needles: Buffer[] = [];

  /** @param secrets initial secrets; those under {@link MIN_SECRET_LENGTH} characters are ignored */
  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Adds secrets (e.g. from a newly loaded config). */
  add(secrets: Iterable<string>): void {
    let changed = false;
    for (const s of secrets) {
      if (s.length < MIN_SECRET_LENGTH || this.secrets.has(s)) continue;
      this.secrets.add(s);
      changed = true;
    }
    if (!changed) return;
    // Longest first, so a secret that contains another is replaced whole.
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(alternatives.join('|'), 'g');
    this.needles = [...this.secrets].map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** True when at least one secret is known. */
  get active(): boolean {
    return this.pattern !== undefined;
  }

  /** `text` with every known secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    if (this.pattern === undefined || text.length < MIN_SECRET_LENGTH) return text;
    return text.replace(this.pattern, REDACTED);
  }

  /**
   * {@link redact} for bytes relayed as they are (passthrough bodies and streams): the chunk itself when it
   * holds no secret (one native search per secret, no decoding), else its redacted UTF-8 re-encoding. A
   * secret split across two chunks is not seen.
   */
  redactBytes(chunk: Uint8Array): Uint8Array {
    if (this.needles.length === 0) return chunk;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (const needle of this.needles) {
      if (buffer.indexOf(needle) !== -1) return Buffer.from(this.redact(buffer.toString('utf8')), 'utf8');
    }
    return chunk;
  }

  /** {@link redact} for optional fields (error `param`, `code`): strings are redacted, the rest returned. */
  redactValue<T>(value: T): T {
    return (typeof value === 'string' ? this.redact(value) : value) as T;
  }
}

/**
 * The process's redactor: the gateway adds the secrets of the config it serves at start-up
 * (`startGateway`), and error construction and the logger apply it. One per process, because every path that
 * turns upstream text into output (any ingress protocol, any log line) must apply the same list.
 */
export const secretRedactor = new Redactor();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
