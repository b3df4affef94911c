import type { Llama, LlamaContext, LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { ChatTemplate, normalizeMessages, type RenderOptions } from './chat-template.js';
import type { ModelFile } from './model-files.js';
import { SequencePool } from './sequence-pool.js';
import { detokenizeTokens, type TokenizeOptions, tokenizeText } from './tokenizer.js';

/** How a model is loaded: engine settings from the provider config. */
export interface EngineOptions {
  /** Context length per sequence in tokens; default the model's trained length. */
  contextSize?: number;
  /** Sequences (concurrent generations) in the context. */
  parallel: number;
  /** CPU threads of the context. */
  threads: number;
}

/** A chat conversation rendered by the model's template, ready to generate from. */
export interface ChatPrompt {
  /** Prompt text with special-token texts (e.g. `<|im_start|>`) as they appear in the template output. */
  text: string;
  /** Token ids: special-token texts parsed as special tokens, BOS prepended when the model wants one. */
  tokens: Token[];
}

/**
 * One loaded GGUF model: weights, a generation context with a pool of sequences, the chat template, and
 * (created on first use) an embedding context. Also the tokenizer API other endpoints build on
 * (`/tokenize`, `/detokenize`, pooling).
 */
export class ModelEngine {
  /** Sequences lent to generations; see {@link SequencePool}. */
  readonly pool: SequencePool;
  /** The chat template: `chat_template` from config, else the GGUF's `tokenizer.chat_template`, else ChatML. */
  readonly template: ChatTemplate;
  /** GGUF `tokenizer.ggml.tokens`: token id → vocabulary text. */
  readonly vocabulary: readonly string[];
  private embedding: Promise<LlamaEmbeddingContext> | undefined;

  private constructor(
    readonly id: string,
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    template: string | undefined,
    private readonly threads: number,
  ) {
    this.pool = new SequencePool(context);
    this.template = new ChatTemplate(template, {
      bos: model.tokens.bosString ?? '',
      eos: model.tokens.eosString ?? '',
    });
    const tokenizer = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer;
    this.vocabulary = Array.isArray(tokenizer?.ggml?.tokens) ? (tokenizer.ggml.tokens as string[]) : [];
  }

  /**
   * Loads the weights and creates the generation context (CPU, `threads` threads, `parallel` sequences).
   * @throws when the file is missing, not a loadable GGUF, or its chat template does not parse
   */
  static async load(llama: Llama, file: ModelFile, options: EngineOptions): Promise<ModelEngine> {
    const model = await llama.loadModel({ modelPath: file.path, gpuLayers: 0 });
    try {
      const context = await model.createContext({
        sequences: options.parallel,
        contextSize: options.contextSize ?? model.trainContextSize,
        threads: options.threads,
      });
      const template = file.chatTemplate ?? ModelEngine.ggufChatTemplate(model);
      return new ModelEngine(file.id, llama, model, context, template, options.threads);
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }

  private static ggufChatTemplate(model: LlamaModel): string | undefined {
    const tokenizer = (model.fileInfo.metadata as { tokenizer?: { chat_template?: unknown } }).tokenizer;
    return typeof tokenizer?.chat_template === 'string' ? tokenizer.chat_template : undefined;
  }

  /** Tokens one sequence can hold: prompt plus generated tokens. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /**
   * Text → token ids with the model's tokenizer.
   * @param options.addSpecialTokens prepend BOS when the model's tokenizer asks for one (vLLM's
   * `add_special_tokens`, vLLM docs, Tokenizer API:
   * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api)
   * @param options.parseSpecialTokens read special-token texts such as `<|im_start|>` as special tokens
   */
  tokenize(text: string, options: TokenizeOptions): Token[] {
    return tokenizeText(this.model, text, options);
  }

  /**
   * Token ids → text.
   * @param includeSpecialTokens render control tokens (BOS/EOS/…) as text; false drops them
   */
  detokenize(tokens: readonly Token[], includeSpecialTokens: boolean): string {
    return detokenizeTokens(this.model, tokens, includeSpecialTokens);
  }

  /** True when `token` is inside the vocabulary (0 ≤ token < vocabulary size). */
  isValidToken(token: number): boolean {
    return Number.isInteger(token) && token >= 0 && token < this.vocabulary.length;
  }

  /**
   * Applies the chat template to an OpenAI `messages` list (OpenAI API reference, Create chat completion:
   * https://platform.openai.com/docs/api-reference/chat/create) and tokenizes it.
   * @param messages the request's `messages`, unvalidated
   * @param options `tools`: OpenAI tool definitions rendered into the prompt when the template supports them;
   *   `addGenerationPrompt`: end with the assistant header (true to generate a reply); the others as
   *   {@link ChatTemplate.render}
   * @throws GatewayError 400 for malformed messages, non-text content parts, or a template error
   */
  applyChatTemplate(messages: unknown, options: RenderOptions): ChatPrompt {
    const text = this.template.render(normalizeMessages(messages), options);
    return { text, tokens: this.tokenize(text, { addSpecialTokens: true, parseSpecialTokens: true }) };
  }

  /**
   * The embedding context (mean-pooled hidden states as llama.cpp computes them), created on first use
   * with the same context size and threads as generation.
   */
  embeddingContext(): Promise<LlamaEmbeddingContext> {
    this.embedding ??= this.model.createEmbeddingContext({
      contextSize: this.contextSize,
      threads: this.threads,
    });
    return this.embedding;
  }

  /** Frees the contexts and the weights. */
  async close(): Promise<void> {
    const embedding = this.embedding;
    this.embedding = undefined;
    if (embedding) await (await embedding.catch(() => undefined))?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}
