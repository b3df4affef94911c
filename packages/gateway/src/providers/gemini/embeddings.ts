/**
 * OpenAI `/v1/embeddings` (OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create) on Gemini's `embedContent` (one input) and
 * `batchEmbedContents` (an array). Request and response shapes follow Google's REST samples
 * (google-gemini/api-examples `rest/embed.sh`): `{content:{parts:[{text}]}, outputDimensionality?}` →
 * `{embedding:{values}}`, and `{requests:[{model:"models/<m>", content, outputDimensionality?}]}` →
 * `{embeddings:[{values}]}`. Gemini reports no token counts for embeddings, so `usage` is all zeros.
 */
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { invalidParam, UpstreamError } from '../../core/errors.js';
import type { ParamPolicy } from '../param-policy.js';
import { GEMINI_UNSUPPORTED } from './capabilities.js';

/** The upstream call for one embeddings request. */
export interface GeminiEmbedCall {
  /** `:embedContent` or `:batchEmbedContents`. */
  method: 'embedContent' | 'batchEmbedContents';
  body: Record<string, unknown>;
  /** Number of inputs, in order. */
  count: number;
  encoding: 'float' | 'base64';
}

/**
 * Maps the screened embeddings body.
 * @param model upstream model name without the `models/` prefix
 * @throws GatewayError 400 naming `input` (missing, empty, token arrays), `dimensions` or `encoding_format`
 */
export function toEmbedCall(
  body: Record<string, unknown>,
  model: string,
  policy: ParamPolicy,
): GeminiEmbedCall {
  const input = body.input;
  let texts: string[];
  if (typeof input === 'string') texts = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'string'))
    texts = input;
  else if (Array.isArray(input) && input.length > 0) policy.refuse(GEMINI_UNSUPPORTED.tokenInput, 'input');
  else throw invalidParam('input', "'input' must be a string or a non-empty array of strings");
  const dimensions = body.dimensions;
  if (
    dimensions !== undefined &&
    dimensions !== null &&
    (!Number.isInteger(dimensions) || (dimensions as number) < 1)
  ) {
    throw invalidParam('dimensions', "'dimensions' must be a positive integer");
  }
  const encoding = body.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') {
    throw invalidParam('encoding_format', "'encoding_format' must be float or base64");
  }
  const extra = typeof dimensions === 'number' ? { outputDimensionality: dimensions } : {};
  const content = (text: string) => ({ parts: [{ text }] });
  if (typeof input === 'string') {
    return { method: 'embedContent', body: { content: content(input), ...extra }, count: 1, encoding };
  }
  return {
    method: 'batchEmbedContents',
    body: { requests: texts.map((text) => ({ model: `models/${model}`, content: content(text), ...extra })) },
    count: texts.length,
    encoding,
  };
}

/**
 * Builds the OpenAI embeddings list; `base64` packs each vector as little-endian float32 (OpenAI API reference,
 * Create embeddings).
 * @param response the upstream JSON
 * @param model the model id the client asked for
 * @throws UpstreamError 502 when the upstream returned a different number of vectors than inputs
 */
export function fromEmbedResponse(
  response: unknown,
  call: GeminiEmbedCall,
  model: string,
): CreateEmbeddingResponse {
  const res = response as { embedding?: { values?: unknown }; embeddings?: { values?: unknown }[] };
  const vectors = (call.method === 'embedContent' ? [res?.embedding] : (res?.embeddings ?? [])).map(
    (e) => e?.values,
  );
  if (
    vectors.length !== call.count ||
    !vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))
  ) {
    throw new UpstreamError(502, `Gemini returned ${vectors.length} embeddings for ${call.count} inputs`, {
      failure: 'protocol',
    });
  }
  return {
    object: 'list',
    model,
    data: (vectors as number[][]).map((values, index) => ({
      object: 'embedding',
      index,
      embedding: call.encoding === 'base64' ? (toBase64(values) as unknown as number[]) : values,
    })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}

function toBase64(values: number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  for (const [i, v] of values.entries()) buffer.writeFloatLE(v, i * 4);
  return buffer.toString('base64');
}
