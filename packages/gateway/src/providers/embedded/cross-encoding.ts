import { GatewayError } from '../../core/errors.js';
import type { Endpoint } from '../provider.js';

/**
 * The 400 for vLLM's `/rerank`, `/score` and `/classify` on an embedded model: these need a reranker
 * (cross-encoder) or classifier GGUF, and the embedded engine serves generative models only.
 * @param model the model id the client asked for
 * @param endpoint `rerank`, `score` or `classify`
 */
export function notACrossEncoder(model: string, endpoint: Endpoint): GatewayError {
  const kind = endpoint === 'classify' ? 'classifier' : 'reranker';
  return new GatewayError(
    400,
    `model '${model}' is not a ${kind}: the ${endpoint} endpoint needs a ${kind} model, and this embedded ` +
      'model is a generative model',
    { param: 'model', code: 'model_not_supported' },
  );
}
