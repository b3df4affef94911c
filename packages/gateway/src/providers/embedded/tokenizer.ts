import type { LlamaModel, Token } from 'node-llama-cpp';

/** Options of {@link tokenizeText}. */
export interface TokenizeOptions {
  /** Prepend the BOS token when the model's tokenizer asks for one (GGUF `tokenizer.ggml.add_bos_token`). */
  addSpecialTokens: boolean;
  /** Turn special-token texts in `text` (e.g. `<|im_start|>`, `<s>`) into their token ids instead of plain text. */
  parseSpecialTokens: boolean;
}

/**
 * Text → token ids with the model's own tokenizer.
 * A BOS that `text` already starts with (parsed from `<s>` etc.) is never doubled.
 */
export function tokenizeText(model: LlamaModel, text: string, options: TokenizeOptions): Token[] {
  const tokens = model.tokenize(text, options.parseSpecialTokens);
  const bos = model.tokens.bos;
  if (options.addSpecialTokens && model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) {
    return [bos, ...tokens];
  }
  return tokens;
}

/**
 * Token ids → text.
 * @param includeSpecialTokens true to render control tokens (BOS, EOS, `<|im_end|>`, …) as their text;
 *   false (what generated text uses) drops them
 * @param previous tokens that precede `tokens`, so a leading space is kept or dropped as in the full text
 */
export function detokenizeTokens(
  model: LlamaModel,
  tokens: readonly Token[],
  includeSpecialTokens: boolean,
  previous: readonly Token[] = [],
): string {
  return model.detokenize(tokens, includeSpecialTokens, previous.length > 0 ? previous.slice(-8) : undefined);
}

/**
 * The raw UTF-8 bytes a token stands for (OpenAI logprobs `bytes`). SentencePiece byte-fallback tokens
 * (`<0xE2>`) give their single byte, read from the GGUF vocabulary; other tokens the UTF-8 of their text.
 * @param vocabulary GGUF `tokenizer.ggml.tokens`, indexed by token id
 */
export function tokenBytes(
  model: LlamaModel,
  vocabulary: readonly string[],
  token: Token,
  text: string,
): number[] {
  if (model.getTokenAttributes(token).byte) {
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(vocabulary[token] ?? '');
    if (m) return [Number.parseInt(m[1]!, 16)];
  }
  return [...Buffer.from(text, 'utf8')];
}

/**
 * Incremental detokenizer for streaming: turns one generated token at a time into text, holding back
 * tokens that end inside a multi-byte UTF-8 character (byte-fallback tokens) until the character completes.
 */
export class TokenTextDecoder {
  private readonly context: Token[];
  private pending: Token[] = [];

  /**
   * @param model the tokenizer
   * @param preceding the prompt's tokens (their tail decides spacing of the first generated token)
   * @param includeSpecialTokens render control tokens (EOS, `<|im_end|>`, …) as their text (vLLM's
   *   `skip_special_tokens: false`); default false drops them
   */
  constructor(
    private readonly model: LlamaModel,
    preceding: readonly Token[],
    private readonly includeSpecialTokens = false,
  ) {
    this.context = preceding.slice(-8);
  }

  /** Adds a token; returns the text completed by it ('' while a character is still incomplete). */
  push(token: Token): string {
    this.pending.push(token);
    const text = this.model.detokenize(this.pending, this.includeSpecialTokens, this.context);
    if (text.endsWith('\uFFFD') && this.pending.length < 4) return '';
    this.context.push(...this.pending);
    this.context.splice(0, Math.max(0, this.context.length - 8));
    this.pending = [];
    return text;
  }

  /** Text of tokens still held back (an incomplete character at the end of generation), as replacement characters. */
  flush(): string {
    if (this.pending.length === 0) return '';
    const text = this.model.detokenize(this.pending, this.includeSpecialTokens, this.context);
    this.pending = [];
    return text;
  }
}
