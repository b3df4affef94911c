import type { PoolingResponse } from '@switchyard/wire';
import { newId, unixSeconds } from '../../../core/ids.js';
import { applyUnsupportedParams } from '../../../protocols/openai/unsupported-params.js';
import type { ProviderRequest } from '../../provider.js';
import { expectField, isArray, type LlamaCppServer } from './server.js';

/**
 * vLLM `POST /pooling` on llama.cpp through its OpenAI `POST /v1/embeddings`: the pooled vector of each input
 * (what vLLM's `/pooling` returns for an embedding model), with `usage`. llama.cpp's native `/embedding(s)`
 * routes would also serve `--pooling none` servers, but they report no token counts; on such a server
 * llama.cpp answers 400 and that error is returned. `input` (string, strings, token ids) and
 * `encoding_format` pass unchanged; vLLM's `normalize: false` becomes llama.cpp's `embd_normalize: -1`.
 * @throws GatewayError 400 for `messages`, `dimensions` or `truncate_prompt_tokens`, which llama.cpp cannot
 *   honour, unless the model drops unsupported params
 */
export async function poolingOnLlamaCpp(
  req: ProviderRequest,
  server: LlamaCppServer,
): Promise<PoolingResponse> {
  const { body } = applyUnsupportedParams(
    req.body,
    ['messages', 'dimensions', 'truncate_prompt_tokens'],
    'llamacpp',
    req.options.drop_unsupported_params === true,
  );
  const upstream: Record<string, unknown> = { model: req.model, input: body.input };
  if (body.encoding_format != null) upstream.encoding_format = body.encoding_format;
  if (body.normalize === false) upstream.embd_normalize = -1;
  const answer = await server.postOpenAI('/embeddings', upstream, req);
  const items = expectField(server, '/v1/embeddings', answer, 'data', isArray) as {
    index: number;
    embedding: number[] | string;
  }[];
  const usage = (answer as { usage?: { prompt_tokens?: number } }).usage;
  const promptTokens = usage?.prompt_tokens ?? 0;
  return {
    id: newId('pool-', 16),
    object: 'list',
    created: unixSeconds(),
    model: req.clientModel,
    data: items.map((item) => ({ index: item.index, object: 'pooling', data: item.embedding })),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  };
}
