import type { Token } from 'node-llama-cpp';
import { invalidParam } from '../../core/errors.js';
import { applyUnsupportedParams } from '../../protocols/openai/unsupported-params.js';
import type { ProviderRequest, ProviderResponse } from '../provider.js';
import { normalizeMessages } from './chat-template.js';
import type { ModelEngine } from './engine.js';

/**
 * vLLM `POST /tokenize` on a loaded model (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api). Completion style tokenizes
 * `prompt` with `add_special_tokens` defaulting to true (BOS when the model's tokenizer wants one). Chat style
 * renders `messages` (and `tools`) with the model's chat template first, `add_generation_prompt` defaulting to true,
 * and tokenizes with `add_special_tokens` defaulting to false, as the template writes BOS itself. Special-token texts
 * (`<|im_start|>`, `<s>`) are read as special tokens, as Hugging Face tokenizers do. `token_strs` are the vocabulary
 * entries of the tokens (GGUF `tokenizer.ggml.tokens`, e.g. `▁Hello`, `<0x0A>`), what vLLM returns from
 * `convert_ids_to_tokens`; `max_model_len` is the context size the model was loaded with.
 * @throws GatewayError 400 for malformed messages, a template error, or `chat_template`,
 *   `chat_template_kwargs`, `mm_processor_kwargs` and `continue_final_message: true`, which the embedded
 *   engine cannot honour (unless the model drops unsupported params)
 */
export function tokenizeRequest(engine: ModelEngine, req: ProviderRequest): ProviderResponse {
  const unsupported = ['chat_template', 'chat_template_kwargs', 'mm_processor_kwargs'];
  if (req.body.continue_final_message === true) unsupported.push('continue_final_message');
  const { body } = applyUnsupportedParams(
    req.body,
    unsupported,
    'embedded',
    req.options.drop_unsupported_params === true,
  );
  const chat = body.messages != null;
  const addSpecialTokens = typeof body.add_special_tokens === 'boolean' ? body.add_special_tokens : !chat;
  let text: string;
  if (chat) {
    text = engine.template.render(normalizeMessages(body.messages), {
      ...(Array.isArray(body.tools) ? { tools: body.tools } : {}),
      addGenerationPrompt: body.add_generation_prompt !== false,
    });
  } else if (typeof body.prompt === 'string') {
    text = body.prompt;
  } else {
    throw invalidParam('prompt', "'prompt' must be a string");
  }
  const tokens = engine.tokenize(text, { addSpecialTokens, parseSpecialTokens: true });
  return {
    kind: 'json',
    status: 200,
    body: {
      count: tokens.length,
      max_model_len: engine.contextSize,
      tokens,
      token_strs: body.return_token_strs === true ? tokens.map((t) => engine.vocabulary[t] ?? '') : null,
    },
  };
}

/**
 * vLLM `POST /detokenize` `{tokens}` → `{prompt}` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api). Special tokens are rendered as
 * their text, as vLLM's `tokenizer.decode` does.
 * @throws GatewayError 400 (param `tokens`) for ids outside the model's vocabulary
 */
export function detokenizeRequest(engine: ModelEngine, req: ProviderRequest): ProviderResponse {
  const tokens = req.body.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t) => engine.isValidToken(t))) {
    throw invalidParam('tokens', `'tokens' must be token ids from 0 to ${engine.vocabulary.length - 1}`);
  }
  return { kind: 'json', status: 200, body: { prompt: engine.detokenize(tokens as Token[], true) } };
}
