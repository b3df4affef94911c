import type { ProviderRequest } from '../../provider.js';
import { expectField, isString, type LlamaCppServer } from './server.js';

/**
 * vLLM `POST /detokenize` `{model, tokens}` → `{prompt}` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api) on llama.cpp, whose
 * `POST /detokenize` takes the same `{tokens}` and answers `{content}` (llama.cpp tools/server/README.md).
 */
export async function detokenizeOnLlamaCpp(
  req: ProviderRequest,
  server: LlamaCppServer,
): Promise<{ prompt: string }> {
  const answer = await server.post('/detokenize', { tokens: req.body.tokens }, req);
  return { prompt: expectField(server, '/detokenize', answer, 'content', isString) };
}
