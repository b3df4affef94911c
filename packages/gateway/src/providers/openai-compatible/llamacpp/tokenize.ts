import { applyUnsupportedParams } from '../../../protocols/openai/unsupported-params.js';
import type { ProviderRequest } from '../../provider.js';
import { expectField, isArray, isString, type LlamaCppServer } from './server.js';

/**
 * vLLM's `TokenizeResponse` (vLLM docs, Tokenizer API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 */
export interface TokenizeResponse {
  count: number;
  /** Tokens per sequence the server accepts. */
  max_model_len: number | null;
  tokens: number[];
  /** Token texts, only when the client asked with `return_token_strs`. */
  token_strs: string[] | null;
}

/** Chat-style fields llama.cpp's `/apply-template` understands, forwarded when the client sent them. */
const TEMPLATE_FIELDS = ['messages', 'tools', 'add_generation_prompt', 'chat_template_kwargs'] as const;

/**
 * vLLM `POST /tokenize` on llama.cpp. Completion style (`prompt`) becomes llama.cpp `POST /tokenize`
 * `{content, add_special, with_pieces}` with vLLM's default `add_special_tokens: true`. Chat style
 * (`messages`) is rendered by `POST /apply-template` with the model's template first (llama.cpp answers
 * `{prompt}`), then tokenized with vLLM's chat default `add_special_tokens: false` (the template already holds
 * BOS). llama.cpp answers `{tokens: number[]}`, or `{tokens: [{id, piece}]}` with pieces; a piece that is not
 * valid UTF-8 comes as a byte list and is shown as `<0xHH>` per byte, as SentencePiece names byte tokens.
 * `max_model_len` is the server's context size from `/props`.
 * @throws GatewayError 400 for `chat_template`, `mm_processor_kwargs` or `continue_final_message: true`
 *   (llama.cpp has no per-request template or continuation), unless the model drops unsupported params
 */
export async function tokenizeOnLlamaCpp(
  req: ProviderRequest,
  server: LlamaCppServer,
): Promise<TokenizeResponse> {
  const chat = req.body.messages !== undefined && req.body.messages !== null;
  const unsupported = ['chat_template', 'mm_processor_kwargs'];
  if (req.body.continue_final_message === true) unsupported.push('continue_final_message');
  const { body } = applyUnsupportedParams(
    req.body,
    unsupported,
    'llamacpp',
    req.options.drop_unsupported_params === true,
  );
  let content: string;
  if (chat) {
    const template: Record<string, unknown> = {};
    for (const field of TEMPLATE_FIELDS) if (body[field] != null) template[field] = body[field];
    const rendered = await server.post('/apply-template', template, req);
    content = expectField(server, '/apply-template', rendered, 'prompt', isString);
  } else {
    content = body.prompt as string;
  }
  const withPieces = body.return_token_strs === true;
  const addSpecial = typeof body.add_special_tokens === 'boolean' ? body.add_special_tokens : !chat;
  const [answer, maxModelLen] = await Promise.all([
    server.post(
      '/tokenize',
      { content, add_special: addSpecial, ...(withPieces ? { with_pieces: true } : {}) },
      req,
    ),
    server.contextLength(req.abort.signal),
  ]);
  const entries = expectField(server, '/tokenize', answer, 'tokens', isArray);
  const tokens: number[] = [];
  const strs: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'number') {
      tokens.push(entry);
      continue;
    }
    const { id, piece } = entry as { id: number; piece: string | number[] };
    tokens.push(id);
    strs.push(typeof piece === 'string' ? piece : pieceBytes(piece));
  }
  return {
    count: tokens.length,
    max_model_len: maxModelLen ?? null,
    tokens,
    token_strs: withPieces ? strs : null,
  };
}

/** `[195, 161]` → `<0xC3><0xA1>`. */
function pieceBytes(bytes: number[]): string {
  return bytes.map((b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
}
