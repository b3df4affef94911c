/**
 * The server root of an OpenAI-compatible upstream, where vLLM serves its non-OpenAI routes (`/tokenize`,
 * `/pooling`, `/rerank`, `/version`, ... vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and llama.cpp its native ones (`/tokenize`,
 * `/props`, ...): `base_url` without its trailing `/v1` segment. A base URL without `/v1` is taken as the root
 * itself. Examples: `http://10.0.0.5:8000/v1` → `http://10.0.0.5:8000`; `https://proxy/vllm/v1/` →
 * `https://proxy/vllm`.
 * @param baseUrl the provider's `base_url`, with or without a trailing slash
 */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}
