import type { OllamaEmbedResponse } from '@switchyard/wire';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { ollamaProtocolError } from './errors.js';

/** An embeddings response whose vectors may be base64 strings (`encoding_format: "base64"`). */
export type EmbeddingList = Omit<CreateEmbeddingResponse, 'data'> & {
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
};

/**
 * `POST /api/embed` response (Ollama API docs, Generate Embeddings:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings) → OpenAI embedding list (OpenAI API
 * reference, Create embeddings: https://platform.openai.com/docs/api-reference/embeddings/create). With
 * `encoding_format: "base64"` each vector is encoded as consecutive little-endian float32 values. `prompt_eval_count`
 * is the usage (0 when absent).
 * @param res Ollama's response
 * @param encoding the client's `encoding_format` (`float` when absent)
 * @param model the response's `model`: the model id the client asked for
 * @throws UpstreamError 502 when `embeddings` is missing
 */
export function embeddingList(res: OllamaEmbedResponse, encoding: unknown, model: string): EmbeddingList {
  if (!Array.isArray(res.embeddings)) throw ollamaProtocolError('embed response has no embeddings array');
  const tokens = res.prompt_eval_count ?? 0;
  return {
    object: 'list',
    model,
    data: res.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? float32Base64(vector) : vector,
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/**
 * Standard base64 of the vector as little-endian IEEE-754 float32, 4 bytes per dimension (OpenAI API reference,
 * Create embeddings: https://platform.openai.com/docs/api-reference/embeddings/create).
 */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}
