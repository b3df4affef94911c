import { newId, unixSeconds } from '../../core/ids.js';
import { applyUnsupportedParams } from '../../protocols/openai/unsupported-params.js';
import { ParamPolicy } from '../param-policy.js';
import type { ProviderRequest, ProviderResponse } from '../provider.js';
import { EMBEDDED_CAPABILITIES } from './capabilities.js';
import { createEmbeddings } from './embeddings.js';
import type { ModelEngine } from './engine.js';

/**
 * vLLM `POST /pooling` on a loaded model (vLLM docs, Pooling API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): the same vectors as
 * `/v1/embeddings` (mean-pooled, L2-normalised, {@link createEmbeddings}) in vLLM's `PoolingResponse` shape,
 * `data[i].data` holding vector i (or its base64 with `encoding_format: "base64"`).
 * @throws GatewayError 400 as {@link createEmbeddings}, and for `messages`, `truncate_prompt_tokens` and
 *   `normalize: false`, which the embedded engine cannot honour (unless the model drops unsupported params)
 */
export async function poolingRequest(engine: ModelEngine, req: ProviderRequest): Promise<ProviderResponse> {
  const unsupported = ['messages', 'truncate_prompt_tokens'];
  if (req.body.normalize === false) unsupported.push('normalize');
  const { body } = applyUnsupportedParams(
    req.body,
    unsupported,
    'embedded',
    req.options.drop_unsupported_params === true,
  );
  const drop = req.options.drop_unsupported_params === true;
  const policy = new ParamPolicy(EMBEDDED_CAPABILITIES, 'embeddings', drop);
  const embedded = await createEmbeddings(engine, { ...req, body }, policy);
  const { data, usage } = (embedded as { body: EmbeddingList }).body;
  return {
    kind: 'json',
    status: 200,
    body: {
      id: newId('pool-', 16),
      object: 'list',
      created: unixSeconds(),
      model: req.clientModel,
      data: data.map((d) => ({ index: d.index, object: 'pooling', data: d.embedding })),
      usage: { ...usage, completion_tokens: 0, prompt_tokens_details: null },
    },
  };
}

interface EmbeddingList {
  data: { index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}
