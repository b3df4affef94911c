/**
 * vLLM's own routes at the server root (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): `/tokenize`, `/detokenize`, `/pooling`,
 * `/classify`, `/score`, `/rerank` and `/v2/rerank`, sent through the client's transport (retries, errors).
 */

import type { VllmEndpoints } from '../platforms/platform.js';
import type { SdkRequestOptions } from '../request-options.js';
import type { Transport } from '../transport.js';

/**
 * The vLLM endpoint group for a server whose routes live under `root`.
 * @param chatTemplate default `chat_template` for chat-style tokenize/pooling requests
 */
export function vllmEndpoints(transport: Transport, root: string, chatTemplate?: string): VllmEndpoints {
  const post = <T>(path: string, body: object, options: SdkRequestOptions) =>
    transport.post<T>(`${root}${path}`, { body, ...options });
  const withTemplate = <B extends object>(body: B): B =>
    chatTemplate !== undefined && 'messages' in body && !('chat_template' in body)
      ? { ...body, chat_template: chatTemplate }
      : body;
  return {
    tokenize: (body, options) => post('/tokenize', withTemplate(body), options),
    detokenize: (body, options) => post('/detokenize', body, options),
    pooling: (body, options) => post('/pooling', withTemplate(body), options),
    classify: (body, options) => post('/classify', body, options),
    score: (body, options) => post('/score', body, options),
    rerank: (body, version, options) => post(version === 'v2' ? '/v2/rerank' : '/rerank', body, options),
  };
}
