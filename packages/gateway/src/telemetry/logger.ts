import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';
import { REDACTED, secretRedactor } from '../core/redactor.js';

/** Header names whose values carry credentials (client keys, provider keys). */
const SECRET_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'];

/** Log-object keys under which headers may appear (`headers` itself at the top level too). */
const HEADER_HOLDERS = ['', 'req.', 'request.', 'res.', 'err.', 'upstream.'];

/**
 * Paths redacted in every log object: the secret headers wherever headers are logged, and `api_key`
 * (top level and in logged config or provider objects). No path starts with a wildcard: pino applies a
 * wildcard-first redaction to every binding of every child logger, and fastify builds one child per
 * request (it was 2 KB of garbage and ~1 % of CPU per proxied request, bench/README.md).
 */
export const REDACTED_PATHS = [
  ...HEADER_HOLDERS.flatMap((holder) => SECRET_HEADERS.map((name) => `${holder}headers["${name}"]`)),
  'api_key',
  'config.api_key',
  'provider.api_key',
];

/**
 * The gateway's JSON logger (pino, asynchronous writes to stdout so logging never blocks the hot path),
 * with {@link REDACTED_PATHS} replaced by `[redacted]`, and every configured secret (core/redactor.ts)
 * removed from each finished line, wherever it appears (an upstream error message, a URL, a cause).
 * @param level pino level name, e.g. `info`
 * @param destination where lines go (default stdout)
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    hooks: { streamWrite: (line: string) => secretRedactor.redact(line) },
  };
  return destination ? pino(options, destination) : pino(options);
}
