import { GatewayError, UpstreamError } from '../../core/errors.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { WholeBody } from '../../routing/guarded-response.js';

/**
 * The JSON body of a routed answer that was asked for whole (a chat completion, a tokenize result).
 * @throws UpstreamError with the upstream's status for an error body it passed through; 502 for a body that is not
 *   JSON
 */
export function jsonAnswer(response: ProviderResponse): unknown {
  if (response.kind === 'json') return response.body;
  if (response.kind === 'bytes' && response.body instanceof WholeBody) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.bytes.toString('utf8'));
    } catch {
      throw new UpstreamError(502, 'the upstream answered with invalid JSON', { failure: 'protocol' });
    }
    if (response.status >= 400) {
      const error = (parsed as { error?: { message?: unknown } })?.error;
      throw new GatewayError(response.status, String(error?.message ?? 'the upstream refused the request'));
    }
    return parsed;
  }
  throw new UpstreamError(502, 'the upstream streamed an answer that was asked for whole', {
    failure: 'protocol',
  });
}
