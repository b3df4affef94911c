/**
 * Embeddings on Ollama: OpenAI `/v1/embeddings` request → `POST /api/embed` and back (Ollama API docs, Generate
 * Embeddings: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings, OpenAI API reference,
 * Create embeddings: https://platform.openai.com/docs/api-reference/embeddings/create).
 */

import type { OllamaEmbedResponse } from '@switchyard/wire';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { bytesToBase64 } from '../base64.js';
import type { JsonBody } from '../platforms/platform.js';
import { cannotSend, type OllamaRequestContext } from './common.js';

/**
 * Builds the native embed body; `dimensions` is passed on, `encoding_format` is applied client-side.
 * @throws {UnsupportedParamError} for token-array input (Ollama takes strings only)
 */
export function toOllamaEmbedRequest(body: JsonBody, ctx: OllamaRequestContext): JsonBody {
  const { input, encoding_format: _format, user: _user, ...rest } = body;
  const isText =
    typeof input === 'string' || (Array.isArray(input) && input.every((i) => typeof i === 'string'));
  if (!isText) cannotSend('input', 'Ollama embeds strings only, not token arrays');
  const native: JsonBody = { input, ...rest };
  if (ctx.keepAlive !== undefined) native.keep_alive ??= ctx.keepAlive;
  if (ctx.options !== undefined) native.options = { ...ctx.options, ...(rest.options as object | undefined) };
  return native;
}

/**
 * The native response as an OpenAI embedding list. With `encoding_format: "base64"` each vector becomes base64
 * of little-endian float32 (OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create), as the server would send it.
 */
export function toEmbeddingResponse(
  native: OllamaEmbedResponse,
  encodingFormat: unknown,
): CreateEmbeddingResponse {
  const prompt = native.prompt_eval_count ?? 0;
  return {
    object: 'list',
    model: native.model,
    data: native.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? (toBase64(vector) as unknown as number[]) : vector,
    })),
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  };
}

function toBase64(vector: number[]): string {
  return bytesToBase64(new Uint8Array(new Float32Array(vector).buffer));
}
