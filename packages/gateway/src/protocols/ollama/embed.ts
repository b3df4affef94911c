/**
 * Ollama's embedding requests as canonical (OpenAI embeddings) requests and the answers back: `POST /api/embed`
 * (Ollama API docs, Generate Embeddings: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings)
 * and the legacy `POST /api/embeddings` (Generate Embedding:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding); OpenAI API reference, Create
 * embeddings: https://platform.openai.com/docs/api-reference/embeddings/create.
 */
import type { OllamaEmbedResponse, OllamaLegacyEmbeddingResponse } from '@switchyard/wire';
import { UpstreamError } from '../../core/errors.js';

/**
 * `/api/embed` → embeddings: `input` (a string or a list) and `dimensions` as they are, `options.num_ctx` as
 * `num_ctx`. `truncate` asks for nothing the canonical request can say (providers refuse an input longer than
 * the context, as Ollama does with `truncate: false`) and is not sent.
 * @param model the model id the client asked for
 */
export function ollamaEmbedToOpenAI(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const options = (body.options ?? {}) as Record<string, unknown>;
  return {
    model,
    input: body.input,
    ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {}),
    ...(options.num_ctx !== undefined ? { num_ctx: options.num_ctx } : {}),
    encoding_format: 'float',
  };
}

/**
 * The embeddings list as Ollama's `/api/embed` answer, vectors in input order, `prompt_eval_count` from usage.
 * @param elapsedNs the request's duration, nanoseconds (`total_duration`)
 * @throws UpstreamError 502 for an answer that is not an embeddings list of float vectors
 */
export function ollamaEmbedAnswer(list: unknown, model: string, elapsedNs: number): OllamaEmbedResponse {
  const body = list as {
    data?: { index?: number; embedding?: unknown }[];
    usage?: { prompt_tokens?: number };
  };
  if (!Array.isArray(body.data)) throw notAList();
  const embeddings = [...body.data]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((item) => {
      if (!Array.isArray(item.embedding)) throw notAList();
      return item.embedding as number[];
    });
  return {
    model,
    embeddings,
    total_duration: elapsedNs,
    load_duration: 0,
    prompt_eval_count: body.usage?.prompt_tokens ?? 0,
  };
}

/** The first vector as the legacy `/api/embeddings` answer `{embedding}`. */
export function ollamaLegacyEmbeddingAnswer(embed: OllamaEmbedResponse): OllamaLegacyEmbeddingResponse {
  return { embedding: embed.embeddings[0] ?? [] };
}

function notAList(): UpstreamError {
  return new UpstreamError(502, 'the upstream answered embeddings that are not a list of vectors', {
    failure: 'protocol',
  });
}
