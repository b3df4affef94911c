/**
 * OpenAI-compatible services as data: a preset fills the base URL and says whether the upstream is
 * self-hosted (then `base_url` is required and discovery is on by default). Base URLs are the services'
 * documented OpenAI-compatible endpoints.
 */
export interface OpenAICompatiblePreset {
  /** Default base URL including the `/v1`-style prefix; absent for self-hosted types. */
  baseUrl?: string;
  /** Self-hosted servers need `base_url` and default to `discover: true`. */
  selfHosted: boolean;
  /** Human name for docs and logs. */
  label: string;
  /**
   * How vLLM's extra endpoints (`/tokenize`, `/pooling`, `/rerank`, ... vLLM docs, OpenAI-Compatible Server:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) are served: `passthrough` forwards them
   * unchanged to the server root, `llamacpp` translates them to llama.cpp's own routes (llamacpp/). Absent: the type
   * answers 400 for them. Transcriptions are an OpenAI route and pass through for every type.
   */
  extraEndpoints?: 'passthrough' | 'llamacpp';
}

/** Every `type` handled by the OpenAI-compatible passthrough adapter. */
export const OPENAI_COMPATIBLE_PRESETS = {
  'openai-compatible': {
    selfHosted: true,
    label: 'any OpenAI-compatible server',
    extraEndpoints: 'passthrough',
  },
  vllm: { selfHosted: true, label: 'vLLM', extraEndpoints: 'passthrough' },
  llamacpp: { selfHosted: true, label: 'llama.cpp llama-server', extraEndpoints: 'llamacpp' },
  lmstudio: { selfHosted: true, label: 'LM Studio' },
  openai: { baseUrl: 'https://api.openai.com/v1', selfHosted: false, label: 'OpenAI' },
  together: { baseUrl: 'https://api.together.xyz/v1', selfHosted: false, label: 'Together AI' },
  fireworks: { baseUrl: 'https://api.fireworks.ai/inference/v1', selfHosted: false, label: 'Fireworks AI' },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', selfHosted: false, label: 'Groq' },
  cerebras: { baseUrl: 'https://api.cerebras.ai/v1', selfHosted: false, label: 'Cerebras' },
  sambanova: { baseUrl: 'https://api.sambanova.ai/v1', selfHosted: false, label: 'SambaNova' },
  nvidia: { baseUrl: 'https://integrate.api.nvidia.com/v1', selfHosted: false, label: 'NVIDIA NIM' },
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', selfHosted: false, label: 'DeepSeek' },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', selfHosted: false, label: 'Mistral AI' },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', selfHosted: false, label: 'OpenRouter' },
} as const satisfies Record<string, OpenAICompatiblePreset>;

/** A preset name, which is also its config `type`. */
export type OpenAICompatibleType = keyof typeof OPENAI_COMPATIBLE_PRESETS;
