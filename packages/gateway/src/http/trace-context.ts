import type { FastifyRequest } from 'fastify';

/**
 * The client's W3C Trace Context `traceparent` header (https://www.w3.org/TR/trace-context/#traceparent-header),
 * as a field to spread into a routed request: `{}` when absent or repeated.
 */
export function traceContext(request: FastifyRequest): { traceparent?: string } {
  const value = request.headers.traceparent;
  return typeof value === 'string' ? { traceparent: value } : {};
}
