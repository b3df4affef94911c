import type { RerankResponse } from '@switchyard/wire';
import { invalidParam } from '../../../core/errors.js';
import { newId } from '../../../core/ids.js';
import type { ProviderRequest } from '../../provider.js';
import { rankOnLlamaCpp } from './rank.js';
import type { LlamaCppServer } from './server.js';

/**
 * vLLM `POST /rerank` (and `/v1/rerank`, `/v2/rerank`) on llama.cpp's `/rerank`. The answer is rebuilt in
 * vLLM's shape: sorted by `relevance_score`, highest first, cut to `top_n` when positive, each result
 * carrying its document text.
 * @throws GatewayError 400 (param `query` / `documents`) for multi-modal inputs, which llama.cpp cannot rank
 */
export async function rerankOnLlamaCpp(
  req: ProviderRequest,
  server: LlamaCppServer,
): Promise<RerankResponse> {
  const { query, documents, top_n } = req.body;
  if (typeof query !== 'string')
    throw invalidParam('query', 'llamacpp reranks text only: query must be a string');
  if (!Array.isArray(documents)) {
    throw invalidParam('documents', 'llamacpp reranks text only: documents must be a list of strings');
  }
  const texts = documents as string[];
  const topN = typeof top_n === 'number' ? top_n : undefined;
  const { results, totalTokens } = await rankOnLlamaCpp(server, req, query, texts, topN);
  const sorted = [...results].sort((a, b) => b.relevance_score - a.relevance_score);
  return {
    id: newId('rerank-', 16),
    model: req.clientModel,
    usage: { total_tokens: totalTokens },
    results: sorted.slice(0, topN && topN > 0 ? topN : sorted.length).map((r) => ({
      index: r.index,
      document: { text: texts[r.index] ?? '', multi_modal: null },
      relevance_score: r.relevance_score,
    })),
  };
}
