import type { Token } from 'node-llama-cpp';
import { GatewayError, invalidParam } from '../../core/errors.js';
import type { ParamPolicy } from '../param-policy.js';
import type { ProviderRequest, ProviderResponse } from '../provider.js';
import { EMBEDDED_UNSUPPORTED } from './capabilities.js';
import type { ModelEngine } from './engine.js';

/**
 * `POST /v1/embeddings` on a loaded model (OpenAI API reference, Create embeddings:
 * https://platform.openai.com/docs/api-reference/embeddings/create). `input` is a string, a list of strings, a token
 * list or a list of token lists. Each vector is the model's mean-pooled hidden state as llama.cpp computes it,
 * L2-normalised to unit length (as OpenAI, vLLM and llama-server return them). `encoding_format: "base64"` returns
 * each vector as base64 of little-endian float32 values (the openai SDK asks for this by default and decodes it);
 * `"float"` (default) returns number arrays. Inputs are embedded one after another; usage counts the tokens evaluated
 * (BOS/EOS included when the tokenizer adds them).
 * @param req the request, its body already screened against capabilities.ts
 * @param policy rejects (or drops) `dimensions` other than the model's size
 * @throws GatewayError 400 for a bad `input` / `encoding_format`, `dimensions` other than the model's size,
 *   or an input at least as long as the context
 */
export async function createEmbeddings(
  engine: ModelEngine,
  req: ProviderRequest,
  policy: ParamPolicy,
): Promise<ProviderResponse> {
  const body = req.body;
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw invalidParam('encoding_format', "'encoding_format' must be 'float' or 'base64'");
  }
  const size = engine.model.embeddingVectorSize;
  if (body.dimensions != null && body.dimensions !== size) {
    policy.reject(EMBEDDED_UNSUPPORTED.dimensions, 'dimensions');
  }
  const inputs = readInputs(engine, body.input);
  const context = await engine.embeddingContext();
  const data: { object: 'embedding'; index: number; embedding: number[] | string }[] = [];
  let promptTokens = 0;
  for (const [index, input] of inputs.entries()) {
    if (req.abort.aborted) throw req.abort.reason;
    const length = context.calculateInputLength(copy(input));
    if (length >= engine.contextSize) {
      throw new GatewayError(
        400,
        `This model's maximum context length is ${engine.contextSize} tokens, but input[${index}] has ${length} tokens`,
        { param: 'input', code: 'context_length_exceeded' },
      );
    }
    promptTokens += length;
    const vector = normalize((await context.getEmbeddingFor(copy(input))).vector);
    data.push({ object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector });
  }
  return {
    kind: 'json',
    status: 200,
    body: {
      object: 'list',
      model: req.clientModel,
      data,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  };
}

function copy(input: string | Token[]): string | Token[] {
  return typeof input === 'string' ? input : [...input];
}

function readInputs(engine: ModelEngine, input: unknown): (string | Token[])[] {
  const tokens = (list: unknown[]): Token[] => {
    if (list.length === 0 || !list.every((t) => typeof t === 'number' && engine.isValidToken(t))) {
      throw invalidParam(
        'input',
        `input token ids must be non-empty lists of integers from 0 to ${engine.vocabulary.length - 1}`,
      );
    }
    return list as Token[];
  };
  let inputs: (string | Token[])[];
  if (typeof input === 'string') inputs = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string'))
    inputs = input;
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'number'))
    inputs = [tokens(input)];
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => Array.isArray(i))) {
    inputs = (input as unknown[][]).map(tokens);
  } else {
    throw invalidParam(
      'input',
      "'input' must be a string, an array of strings, or token ids (array or arrays)",
    );
  }
  if (inputs.some((i) => i === '')) throw invalidParam('input', "'input' must not contain empty strings");
  return inputs;
}

/** Scales a vector to unit L2 length (a zero vector stays zero). */
function normalize(vector: readonly number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm > 0 ? vector.map((v) => v / norm) : [...vector];
}

/**
 * Base64 (RFC 4648, padded) of the vector as consecutive little-endian float32 values (OpenAI API reference, Create
 * embeddings: https://platform.openai.com/docs/api-reference/embeddings/create).
 */
function toBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => {
    bytes.writeFloatLE(v, i * 4);
  });
  return bytes.toString('base64');
}
