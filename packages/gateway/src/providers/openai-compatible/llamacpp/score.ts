import type { ScoreResponse } from '@switchyard/wire';
import { invalidParam, UpstreamError } from '../../../core/errors.js';
import { newId, unixSeconds } from '../../../core/ids.js';
import type { ProviderRequest } from '../../provider.js';
import { type Ranked, rankOnLlamaCpp } from './rank.js';
import type { LlamaCppServer } from './server.js';

/**
 * vLLM `POST /score` on llama.cpp's reranker (`/rerank`), pairing as vLLM does (vLLM docs, Score API): one `text_1`
 * against N `text_2` is one rerank call with N documents; N against N (zip) is one call per pair. `data[i]` is the
 * score of pair i, in input order.
 * @throws GatewayError 400 for multi-modal inputs or list lengths that do not pair
 */
export async function scoreOnLlamaCpp(req: ProviderRequest, server: LlamaCppServer): Promise<ScoreResponse> {
  const left = textList(req.body.text_1, 'text_1');
  const right = textList(req.body.text_2, 'text_2');
  let scores: number[];
  let tokens = 0;
  if (left.length === 1) {
    const { results, totalTokens } = await rankOnLlamaCpp(server, req, left[0]!, right, undefined);
    scores = right.map((_, i) => scoreAt(server, results, i));
    tokens = totalTokens;
  } else if (left.length === right.length) {
    const pairs = await Promise.all(
      left.map((query, i) => rankOnLlamaCpp(server, req, query, [right[i]!], undefined)),
    );
    scores = pairs.map((p) => scoreAt(server, p.results, 0));
    for (const p of pairs) tokens += p.totalTokens;
  } else {
    throw invalidParam(
      'text_2',
      `text_1 has ${left.length} items and text_2 has ${right.length}: lists must have the same length`,
    );
  }
  return {
    id: newId('score-', 16),
    object: 'list',
    created: unixSeconds(),
    model: req.clientModel,
    data: scores.map((score, index) => ({ index, object: 'score', score })),
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_tokens_details: null },
  };
}

/** @throws UpstreamError 502 when llama.cpp left out the score of document `index` */
function scoreAt(server: LlamaCppServer, results: Ranked[], index: number): number {
  const found = results.find((r) => r.index === index);
  if (typeof found?.relevance_score === 'number') return found.relevance_score;
  throw new UpstreamError(
    502,
    `upstream provider '${server.providerId}' answered /rerank without document ${index}`,
    {
      failure: 'protocol',
    },
  );
}

function textList(value: unknown, param: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw invalidParam(param, `llamacpp scores text only: ${param} must be a string or a list of strings`);
}
