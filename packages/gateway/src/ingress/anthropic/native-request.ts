/**
 * The parts of a client's Anthropic request forwarded as is to an `anthropic` provider (passthrough of
 * `/v1/messages` and `/v1/messages/count_tokens`).
 */
import type { FastifyRequest } from 'fastify';

/** Client headers forwarded to an `anthropic` provider (feature flags; never credentials). */
const FORWARDED_HEADERS = ['anthropic-beta'] as const;

/** The query string of `url` with its `?` (e.g. `?beta=true`), or `''`. */
export function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/** The client's `anthropic-beta` header, when it sent one. */
export function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
