import type { FastifyInstance } from 'fastify';
import { checkModelAllowed } from '../tenancy/model-policy.js';

/**
 * Checks each request authenticated by a virtual key against its key's and team's rules once its body is parsed
 * (a `preHandler` hook, so the error is written in the route's own protocol envelope): the `model` it names must
 * be allowed. Requests without a tenant, or without a `model` field, pass untouched.
 * @throws GatewayError 403 `model_not_allowed`
 */
export function registerTenantAdmission(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const tenant = request.tenant;
    if (tenant === undefined) {
      done();
      return;
    }
    const model = (request.body as { model?: unknown } | undefined)?.model;
    try {
      if (typeof model === 'string') checkModelAllowed(tenant, model);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}
