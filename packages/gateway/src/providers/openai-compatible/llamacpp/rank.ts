import type { ProviderRequest } from '../../provider.js';
import { expectField, isArray, type LlamaCppServer } from './server.js';

/** One document's score from llama.cpp. */
export interface Ranked {
  /** Position in the documents sent. */
  index: number;
  relevance_score: number;
}

/**
 * Calls llama.cpp `POST /rerank` (Jina style; needs a reranker started with `--reranking`): request
 * `{model, query, documents, top_n?}`, answer `{model, object, usage: {prompt_tokens, total_tokens},
 * results: [{index, relevance_score}]}` (llama.cpp tools/server/README.md, `format_response_rerank`).
 * llama.cpp cuts to `top_n` whenever one is sent, so it is sent only when positive. Scores pass unchanged.
 * @param topN results wanted, 0 or undefined for all
 * @returns the scores in llama.cpp's order and the tokens it evaluated
 */
export async function rankOnLlamaCpp(
  server: LlamaCppServer,
  req: ProviderRequest,
  query: string,
  documents: string[],
  topN: number | undefined,
): Promise<{ results: Ranked[]; totalTokens: number }> {
  const body: Record<string, unknown> = { model: req.model, query, documents };
  if (topN !== undefined && topN > 0) body.top_n = topN;
  const answer = await server.post('/rerank', body, req);
  const results = expectField(server, '/rerank', answer, 'results', isArray) as Ranked[];
  const usage = (answer as { usage?: { total_tokens?: number } }).usage;
  return { results, totalTokens: usage?.total_tokens ?? 0 };
}
