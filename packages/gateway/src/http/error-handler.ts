import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { GatewayError } from '../core/errors.js';
import { connectError, parserError, writeSocketError } from './client-errors.js';
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
 * The one rendering of an error as a response body: the OpenAI envelope
 * `{"error":{"message","type","param","code"}}` (OpenAI API reference, "Error codes":
 * https://platform.openai.com/docs/guides/error-codes). Every path that answers with an error uses it.
 */
export function errorPayload(error: GatewayError): string {
  return JSON.stringify(error.toBody());
}

/**
 * The fastify options that route errors raised outside request handling into the envelope:
 * `clientErrorHandler` (Node's HTTP parser: malformed request lines and headers, bad chunked bodies,
 * oversize headers, header timeouts) and `frameworkErrors` (fastify's router: URLs that do not decode).
 */
export function errorHandlingOptions(): Pick<FastifyServerOptions, 'clientErrorHandler' | 'frameworkErrors'> {
  return {
    clientErrorHandler(err, socket) {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || socket.destroyed) {
        socket.destroy();
        return;
      }
      // Node hands the packet as a Buffer; fastify's types describe its JSON form.
      const raw: unknown = err.rawPacket;
      const reason = (err as { reason?: unknown }).reason;
      const error = parserError(
        err.code,
        Buffer.isBuffer(raw) ? raw : undefined,
        typeof reason === 'string' ? reason : undefined,
      );
      writeSocketError(socket, error, errorPayload(error));
    },
    frameworkErrors(err, _request, reply) {
      sendError(reply, frameworkError(err));
    },
  };
}

/**
 * Turns every failure into the OpenAI error envelope with the right status: our GatewayErrors as they are,
 * fastify's body-size (413) and schema-validation (400 with `param`) errors, unknown routes (404), known
 * paths with the wrong method (405 with `Allow`) and CONNECT requests (501). Anything unexpected is logged
 * and answered as a plain 500 without internals. Errors after a response started end the stream instead.
 * Parser and router errors are handled by {@link errorHandlingOptions}.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  routeMethods: ReadonlyMap<string, string[]>,
): void {
  app.server.on('connect', (_req, socket) => {
    const error = connectError();
    writeSocketError(socket, error, errorPayload(error));
  });
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
  if (error.validation && error.validation.length > 0) return validationError(error.validation);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new GatewayError(error.statusCode, error.message);
  }
  return new GatewayError(500, 'The server had an error while processing your request', {
    code: 'internal_error',
  });
}

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/**
 * The 400 for a body that fails its schema, naming the field. A body that is missing altogether says so; a
 * value that matches none of a field's alternatives (`anyOf`) gets one message listing what each
 * alternative wanted (e.g. embeddings `input: []`: "must not be empty").
 */
function validationError(issues: readonly ValidationIssue[]): GatewayError {
  const anyOf = issues.find((i) => i.keyword === 'anyOf');
  const first = anyOf ?? issues[0]!;
  const param = validationParam(first.instancePath, first.params as Record<string, unknown>);
  if (first.keyword === 'required') {
    return new GatewayError(400, `Missing required parameter: '${param}'`, {
      param,
      code: 'missing_required_parameter',
    });
  }
  if (first.instancePath === '' && first.keyword === 'type') {
    return new GatewayError(400, 'The request body is missing; expected a JSON object', {
      code: 'invalid_json',
    });
  }
  let detail = first.message ?? 'invalid';
  if (anyOf) {
    const branches = issues.filter((i) => i !== anyOf && i.instancePath.startsWith(anyOf.instancePath));
    const empty = branches.some((i) => i.keyword === 'minItems' && i.instancePath === anyOf.instancePath);
    detail = empty
      ? 'must not be empty'
      : [
          ...new Set(
            branches.map((i) => {
              const at =
                i.instancePath === anyOf.instancePath ? '' : `${validationParam(i.instancePath, {})} `;
              return `${at}${i.message ?? 'invalid'}`;
            }),
          ),
        ].join(', or ');
  }
  return new GatewayError(400, `Invalid value for '${param}': ${detail}`, { param, code: 'invalid_value' });
}

/** Errors fastify's router raises before any route runs (a URL that is not valid percent-encoding). */
function frameworkError(err: FastifyError): GatewayError {
  if (err.code === 'FST_ERR_BAD_URL') {
    return new GatewayError(400, 'The request URL is not valid percent-encoding', { code: 'invalid_url' });
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new GatewayError(414, 'A path segment of the request URL is too long', { code: 'uri_too_long' });
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

/**
 * Answers a routed request that failed: when the client already went away its socket is destroyed and nothing
 * is written; otherwise `err` is written by `write` (default {@link sendError}), an error that is not a
 * {@link GatewayError} being logged and replaced by a generic 500 `internal_error` (no stack trace leaves).
 */
export function answerFailure(
  reply: FastifyReply,
  client: { readonly aborted: boolean },
  err: unknown,
  write: (reply: FastifyReply, error: GatewayError) => void = sendError,
): void {
  if (client.aborted) {
    reply.raw.destroy();
    return;
  }
  if (!(err instanceof GatewayError)) reply.request.log.error({ err }, 'request failed');
  write(
    reply,
    err instanceof GatewayError
      ? err
      : new GatewayError(500, 'The server had an error while processing your request', {
          code: 'internal_error',
        }),
  );
}
