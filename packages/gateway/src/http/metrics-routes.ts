import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../telemetry/metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This gateway's Prometheus metrics. */
    metrics: GatewayMetrics;
  }
}

/**
 * Makes the gateway's metrics reachable as `app.metrics` and serves them on `GET /metrics` in the
 * Prometheus text format. Behind the API key like every route but `/health`.
 * @returns the registered path with its method
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): Map<string, string[]> {
  app.decorate('metrics', metrics);
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await app.metrics.render();
    return reply.type(contentType).send(body);
  });
  return new Map([['/metrics', ['GET']]]);
}
