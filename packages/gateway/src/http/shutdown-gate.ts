import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/errors.js';

/**
 * Refuses requests that arrive while the server is closing (on connections kept alive from before) with
 * 503 `server_shutting_down` in the OpenAI envelope and `Connection: close`, instead of fastify's own
 * non-envelope 503 body. Register it first, so a refused request runs no other hook.
 */
export function registerShutdownGate(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!closing) {
      done();
      return;
    }
    done(
      new GatewayError(503, 'The gateway is shutting down; retry the request', {
        code: 'server_shutting_down',
        headers: { connection: 'close' },
      }),
    );
  });
}
