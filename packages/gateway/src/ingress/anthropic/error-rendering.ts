/**
 * Error rendering for the routes Anthropic clients call: Anthropic's envelope and statuses
 * (protocols/anthropic/error-envelope.ts) and its `request-id` response header (Anthropic API reference,
 * Errors: https://docs.anthropic.com/en/api/errors, "Request id").
 */
import type { FastifyRequest } from 'fastify';
import type { GatewayError } from '../../core/errors.js';
import type { ErrorRenderer, RenderedError } from '../../http/error-handler.js';
import { anthropicError } from '../../protocols/anthropic/error-envelope.js';

/** The header an Anthropic SDK sends on every request (Anthropic API reference, Versioning). */
export const ANTHROPIC_VERSION_HEADER = 'anthropic-version';

/** Renders every error in Anthropic's envelope. */
export const renderAnthropicError: ErrorRenderer = (
  error: GatewayError,
  request: FastifyRequest,
): RenderedError => {
  const { status, body } = anthropicError(error, request.id);
  return { status, body, headers: { 'request-id': request.id } };
};

/** True when the request carries `anthropic-version`, i.e. an Anthropic client sent it. */
export function isAnthropicRequest(request: FastifyRequest): boolean {
  return request.headers[ANTHROPIC_VERSION_HEADER] !== undefined;
}

/**
 * For routes both protocols share (`GET /v1/models`): Anthropic's envelope when the request carries
 * `anthropic-version`, else OpenAI's.
 */
export const renderByVersionHeader: ErrorRenderer = (error, request) =>
  isAnthropicRequest(request)
    ? renderAnthropicError(error, request)
    : { status: error.status, body: error.toBody() };
