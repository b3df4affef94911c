import { GatewayError } from '../core/errors.js';

/**
 * The store cannot be reached (PostgreSQL down, SQLite file not writable): a 503 for the requests that need the
 * store, in the client protocol's envelope; requests that do not need it are unaffected.
 */
export class StoreUnavailableError extends GatewayError {
  constructor(cause: unknown) {
    super(503, `The gateway's store is unavailable: ${(cause as Error)?.message ?? String(cause)}`, {
      code: 'store_unavailable',
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}
