import type { ProviderRequest } from '../../provider.js';
import { expectField, isString, type LlamaCppServer } from './server.js';

/**
 * vLLM `POST /detokenize` `{model, tokens}` → `{prompt}` (shared/api/vllm.md §3.2) on llama.cpp, whose
 * `POST /detokenize` takes the same `{tokens}` and answers `{content}` (llama.cpp tools/server/README.md).
 */
export async function detokenizeOnLlamaCpp(
  req: ProviderRequest,
  server: LlamaCppServer,
): Promise<{ prompt: string }> {
  const answer = await server.post('/detokenize', { tokens: req.body.tokens }, req);
  return { prompt: expectField(server, '/detokenize', answer, 'content', isString) };
}
