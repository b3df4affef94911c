import { UpstreamError } from '../../core/errors.js';
import type { ProviderResponse } from '../../providers/provider.js';

/**
 * The JSON body of a provider answer asked for whole: a `json` answer's body, or the parsed bytes of a
 * passed-through one.
 * @throws UpstreamError 502 for a `chunks` answer or bytes that are not JSON
 */
export async function wholeJson(response: ProviderResponse): Promise<unknown> {
  if (response.kind === 'json') return response.body;
  if (response.kind !== 'bytes') {
    throw new UpstreamError(502, 'the upstream streamed an answer that was asked whole', {
      failure: 'protocol',
    });
  }
  const parts: Uint8Array[] = [];
  for await (const part of response.body) parts.push(part);
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new UpstreamError(502, 'the upstream answered with invalid JSON', { failure: 'protocol' });
  }
}
