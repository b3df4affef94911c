import { type Logger, pino } from 'pino';

/**
 * The gateway's JSON logger (pino, asynchronous writes to stdout so logging never blocks the hot path).
 * Header values that can carry secrets are redacted wherever they appear in a log object.
 * @param level pino level name, e.g. `info`
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'headers.authorization',
        'headers["x-api-key"]',
        'headers["x-goog-api-key"]',
        '*.headers.authorization',
        '*.headers["x-api-key"]',
        '*.headers["x-goog-api-key"]',
        'api_key',
        '*.api_key',
      ],
      censor: '[redacted]',
    },
    transport: undefined,
  });
}
