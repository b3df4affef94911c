import type { FastifyInstance } from 'fastify';
import type { RequestLog } from '../telemetry/request-log.js';

/** Most requests one answer lists. */
const MAX_LIMIT = 500;

/**
 * `GET /-/requests?limit=N` (default 50, at most 500): `{requests, window_s, models}`, the newest finished
 * requests (`LoggedRequest` in telemetry/request-log.ts, newest first; no prompt or completion content) and
 * each model's rates over the last minute (`ModelRates`). Behind the API key like every route but `/health`.
 * @returns the registered path with its method
 */
export function registerRequestLogRoutes(app: FastifyInstance, log: RequestLog): Map<string, string[]> {
  app.get('/-/requests', async (request) => {
    const raw = Number((request.query as { limit?: string }).limit ?? 50);
    const limit = Number.isInteger(raw) && raw >= 0 ? Math.min(raw, MAX_LIMIT) : 50;
    return { requests: log.recent(limit), ...log.rates() };
  });
  return new Map([['/-/requests', ['GET']]]);
}
