import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body's original bytes (JSON routes), for byte-exact passthrough. */
    rawBody: Buffer | null;
  }
}

/**
 * Parses every JSON-ish body once, keeping the original bytes on `request.rawBody`. Any content type but
 * multipart is read as JSON (curl's `-d` sends `application/x-www-form-urlencoded`). Bodies over
 * `bodyLimit` are refused by fastify with 413 before they are buffered whole. Requests without a route
 * (answered 404 or 405) are read but not parsed.
 * @throws GatewayError 400 for an empty body, malformed JSON, or a JSON value that is not an object
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    if (request.is404) {
      // No route: the 404/405 answer does not depend on the body, whatever it is.
      done(null, undefined);
      return;
    }
    request.rawBody = body;
    if (body.length === 0) {
      done(
        new GatewayError(400, 'request body is empty; expected a JSON object', { code: 'invalid_json' }),
        undefined,
      );
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      done(
        new GatewayError(400, `request body is not valid JSON: ${(err as Error).message}`, {
          code: 'invalid_json',
        }),
        undefined,
      );
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      done(new GatewayError(400, 'request body must be a JSON object', { code: 'invalid_json' }), undefined);
      return;
    }
    done(null, value);
  });
}
