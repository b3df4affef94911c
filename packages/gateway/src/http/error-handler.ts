import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from './errors.js';
import { endStreamWithError } from './respond.js';

/** An error as a client protocol's envelope: the status, body and extra headers to send. */
export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Renders errors in the envelope of the protocol a route's clients speak (set as the route's config). */
export type ErrorRenderer = (error: GatewayError, request: FastifyRequest) => RenderedError;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route's errors are written; default: the OpenAI envelope with the error's status. */
    renderError?: ErrorRenderer;
  }
}

/**
 * Turns every failure into the OpenAI error envelope with the right status: our GatewayErrors as they are,
 * fastify's body-size (413) and schema-validation (400 with `param`) errors, unknown routes (404) and
 * known paths with the wrong method (405 with `Allow`). Anything unexpected is logged and answered as a
 * plain 500 without internals. Errors after a response started end the stream instead.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  routeMethods: ReadonlyMap<string, string[]>,
): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.status >= 500 && !(error instanceof GatewayError)) {
      request.log.error({ err: error }, 'unhandled error');
    }
    sendError(reply, gatewayError);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = routeMethods.get(path) ?? matchParametric(routeMethods, path);
    if (allowed) {
      sendError(
        reply,
        new GatewayError(
          405,
          `Method ${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
          {
            code: 'method_not_allowed',
            headers: { allow: allowed.join(', ') },
          },
        ),
      );
      return;
    }
    sendError(
      reply,
      new GatewayError(404, `Unknown route ${request.method} ${path}`, { code: 'unknown_route' }),
    );
  });
}

/**
 * Writes `error` in the envelope of the route's protocol (its `renderError` config, else OpenAI's), or as a
 * final SSE event when the response already started.
 */
export function sendError(reply: FastifyReply, error: GatewayError): void {
  const res = reply.raw;
  if (res.headersSent) {
    endStreamWithError(res, error);
    return;
  }
  if (res.destroyed) return;
  const render = reply.request.routeOptions.config?.renderError;
  const rendered = render ? render(error, reply.request) : { status: error.status, body: error.toBody() };
  const payload = JSON.stringify(rendered.body);
  res.writeHead(rendered.status, {
    ...error.headers,
    ...rendered.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function toGatewayError(error: FastifyError): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError(413, 'Request body is larger than the configured limit (server.body_limit)', {
      code: 'request_too_large',
    });
  }
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const param = validationParam(first.instancePath, first.params as Record<string, unknown>);
    if (first.keyword === 'required') {
      return new GatewayError(400, `Missing required parameter: '${param}'`, {
        param,
        code: 'missing_required_parameter',
      });
    }
    return new GatewayError(400, `Invalid value for '${param}': ${first.message ?? 'invalid'}`, {
      param,
      code: 'invalid_value',
    });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new GatewayError(error.statusCode, error.message);
  }
  return new GatewayError(500, 'The server had an error while processing your request', {
    code: 'internal_error',
  });
}

/** `/messages/0/role` → `messages[0].role`; a missing property names itself. */
function validationParam(instancePath: string, params: Record<string, unknown>): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (typeof params.missingProperty === 'string') parts.push(params.missingProperty);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || 'body';
}

function matchParametric(routeMethods: ReadonlyMap<string, string[]>, path: string): string[] | undefined {
  for (const [pattern, methods] of routeMethods) {
    if (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1))) return methods;
  }
  return undefined;
}
