/**
 * `OpenAICompatibleClient`: one client for vLLM, Ollama, OpenAI and Switchyard. The common endpoints have the
 * `openai` SDK's behaviour and types on every platform; platform-specific members exist only on the platforms that
 * serve them (`client-types.ts`). Every failure of a call is a rejected promise (a missing model, a member the
 * platform lacks when called from untyped code, a closed client). Each client owns one keep-alive connection pool
 * (`close()` frees it).
 */

import { APIPromise, type OpenAI, OpenAIError } from 'openai';
import type {
  ClientExtras,
  OpenAICompatibleClient as ClientOf,
  RerankRequestOptions,
} from './client-types.js';
import { type ClientConfig, type ClientConfigInput, configFromEnv, parseClientConfig } from './config.js';
import { ClientConfigError } from './config-errors.js';
import { UnsupportedPlatformError } from './errors.js';
import type { FileSource } from './file-source.js';
import { detectPlatform } from './platform-detection.js';
import type { Platform } from './platforms/names.js';
import type { JsonBody, PlatformHandler } from './platforms/platform.js';
import { createPlatform } from './platforms/registry.js';
import { PLATFORM_SUPPORT, type SupportedMember, serves } from './platforms/support.js';
import { ProgressStream } from './progress-stream.js';
import { type ClientRequestOptions, type SdkRequestOptions, splitOptions } from './request-options.js';
import type { TranscriptionParams } from './transcription-params.js';
import { ParamPolicy } from './unsupported-params.js';

/** An environment as a plain record (Node's `process.env`, Deno's `Deno.env.toObject()`, …). */
export type Env = Record<string, string | undefined>;

/** The constructor of {@link ClientOf}, generic in the platform given as `config.platform`. */
export interface OpenAICompatibleClientConstructor {
  /**
   * @example
   * const vllm = new OpenAICompatibleClient({ baseURL: 'http://localhost:8000/v1', platform: 'vllm' });
   * const r = await vllm.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], top_k: 50 });
   * @throws {ClientConfigError} for an invalid configuration (unknown keys with a "did you mean", a URL without
   *   `http://` or `https://`, a missing `baseURL` on `switchyard`)
   */
  new <P extends Platform>(config: ClientConfigInput & { platform: P }, extras?: ClientExtras): ClientOf<P>;
  /**
   * A client configured from environment variables (see `configFromEnv`; default `process.env` where there is
   * one). Its type has only the members every platform serves.
   */
  fromEnv(env?: Env, extras?: ClientExtras): ClientOf<Platform>;
  /**
   * `platform: 'auto'`: a client for whatever server answers at `config.baseURL`, found by probing its
   * `/version` and `/api/version` routes (platform-detection.ts). Its type has only the members every platform
   * serves; check `client.platform` to narrow it.
   * @example
   * const client = await OpenAICompatibleClient.detect({ platform: 'auto', baseURL: 'http://localhost:11434' });
   * client.platform; // 'ollama'
   * @throws {ClientConfigError} (rejected) for an invalid configuration or a missing `baseURL`
   * @throws {APIConnectionError} (rejected) when the server cannot be reached
   */
  detect(
    config: Omit<ClientConfigInput, 'platform'> & { platform?: 'auto' },
    extras?: ClientExtras,
  ): Promise<ClientOf<Platform>>;
  readonly prototype: ClientOf<Platform>;
}

type Send<B, R> = (body: B, sdk: SdkRequestOptions) => R;

class Client {
  readonly config: ClientConfig;
  readonly platform: Platform;
  readonly #input: ClientConfigInput;
  readonly #extras: ClientExtras;
  readonly #handler: PlatformHandler;
  #openai: OpenAI | undefined;

  constructor(config: ClientConfigInput, extras: ClientExtras = {}) {
    this.config = parseClientConfig(config);
    this.platform = this.config.platform;
    this.#input = config;
    this.#extras = extras;
    const logger = extras.logger ?? console;
    this.#handler = createPlatform({
      config: this.config,
      params: new ParamPolicy(this.platform, this.config.unsupportedParams, logger),
      logger,
    });
  }

  static fromEnv(env?: Env, extras: ClientExtras = {}): Client {
    return new Client(configFromEnv(env), extras);
  }

  static async detect(
    config: Omit<ClientConfigInput, 'platform'> & { platform?: 'auto' },
    extras: ClientExtras = {},
  ): Promise<Client> {
    const { platform: _auto, ...rest } = config;
    if (rest.baseURL === undefined) {
      throw new ClientConfigError("baseURL is required with platform 'auto' (the server to probe)");
    }
    // Validates everything but the platform before any request is made.
    parseClientConfig({ ...rest, platform: 'openai' });
    const platform = await detectPlatform({ ...rest, baseURL: rest.baseURL });
    return new Client({ ...rest, platform }, extras);
  }

  get openai(): OpenAI {
    this.#openai ??= this.#handler.transport.at(this.#handler.openaiBaseURL);
    return this.#openai;
  }

  get responses(): OpenAI['responses'] {
    return this.openai.responses;
  }

  close(): Promise<void> {
    return this.#handler.transport.close();
  }

  withOptions(overrides: Partial<ClientConfigInput>): Client {
    return new Client({ ...this.#input, ...overrides, platform: this.platform }, this.#extras);
  }

  readonly chat = {
    completions: {
      create: (body: JsonBody, options?: ClientRequestOptions) =>
        this.#call(body, options, (b, o) => this.#handler.chatCompletion(b, o)),
    },
  };

  readonly completions = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#call(body, options, (b, o) => this.#handler.completion(b, o)),
  };

  readonly embeddings = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#call(body, options, (b, o) => this.#handler.embedding(b, o)),
    legacy: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#call(body, options, (b, o) => this.#ollama().legacyEmbedding(b as never, o), 'embeddings.legacy'),
  };

  readonly models = {
    list: (options?: ClientRequestOptions) => this.#handler.listModels(splitOptions(options).sdk),
    retrieve: (model: string, options?: ClientRequestOptions) =>
      this.#handler.retrieveModel(model, splitOptions(options).sdk),
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#progress('models.create', body, options, (b, o) => this.#ollama().create(b as never, o)),
    info: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#send('models.info', body, options, (b, o) => this.#ollama().show(b as never, o)),
    copy: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#send('models.copy', body, options, (b, o) => this.#ollama().copy(b as never, o)),
    delete: (model: string, options?: ClientRequestOptions) =>
      this.#send('models.delete', {}, options, (_, o) => this.#ollama().delete(model, o)),
    pull: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#progress('models.pull', body, options, (b, o) => this.#ollama().pull(b as never, o)),
    push: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#progress('models.push', body, options, (b, o) => this.#ollama().push(b as never, o)),
    running: (options?: ClientRequestOptions) =>
      this.#send('models.running', {}, options, (_, o) => this.#ollama().running(o)),
  };

  readonly blobs = {
    check: (digest: string, options?: ClientRequestOptions) =>
      this.#send('blobs.check', {}, options, (_, o) => this.#ollama().checkBlob(digest, o)),
    push: (file: FileSource, options?: ClientRequestOptions) =>
      this.#send('blobs.push', {}, options, (_, o) => this.#ollama().pushBlob(file, o)),
  };

  readonly tokenizer = {
    encode: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#vllm('tokenizer.encode', body, options, (b, o) => this.#vllmRoutes().tokenize(b as never, o)),
    decode: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#vllm('tokenizer.decode', body, options, (b, o) => this.#vllmRoutes().detokenize(b as never, o)),
  };

  readonly pooling = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#vllm('pooling.create', body, options, (b, o) => this.#vllmRoutes().pooling(b as never, o)),
  };

  readonly classification = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#vllm('classification.create', body, options, (b, o) =>
        this.#vllmRoutes().classify(b as never, o),
      ),
  };

  readonly score = {
    create: (body: JsonBody, options?: ClientRequestOptions) =>
      this.#vllm('score.create', body, options, (b, o) => this.#vllmRoutes().score(b as never, o)),
  };

  readonly rerank = {
    create: (body: JsonBody, options?: RerankRequestOptions) => {
      const { version = 'v1', ...rest }: RerankRequestOptions = options ?? {};
      return this.#vllm('rerank.create', body, rest, (b, o) =>
        this.#vllmRoutes().rerank(b as never, version, o),
      );
    },
  };

  readonly audio = {
    transcriptions: {
      create: (body: TranscriptionParams, options?: ClientRequestOptions) =>
        this.#vllm('audio.transcriptions.create', body, options, (b, o) =>
          this.#handler.transcription!(b as TranscriptionParams, o),
        ),
    },
  };

  version(options?: ClientRequestOptions) {
    return this.#send('version', {}, options, (_, o) => this.#handler.version!(o));
  }

  health(options?: ClientRequestOptions) {
    return this.#send('health', {}, options, (_, o) => this.#handler.health!(o));
  }

  healthProviders(options?: ClientRequestOptions) {
    return this.#send('healthProviders', {}, options, (_, o) => this.#handler.healthProviders!(o));
  }

  /**
   * Why a call of `method` cannot be sent: the platform lacks it (looked up as the method, else its namespace), or
   * the client is closed.
   */
  #refusal(method: string | undefined): OpenAIError | undefined {
    if (method !== undefined) {
      const member = (method in PLATFORM_SUPPORT ? method : method.split('.')[0]) as SupportedMember;
      if (!serves(this.platform, member)) return new UnsupportedPlatformError(method, this.platform);
    }
    return this.#handler.transport.closedError();
  }

  /** A promise (an `APIPromise` for SDK-shaped calls) rejected with `error`. */
  #rejected(error: Error): never {
    return new APIPromise(this.#handler.transport, Promise.reject(error)) as never;
  }

  /** Merges `extraBody` and sends, or rejects when the call cannot be sent. */
  #send<R>(
    method: string,
    body: JsonBody,
    options: ClientRequestOptions | undefined,
    send: Send<JsonBody, R>,
  ): R {
    const refusal = this.#refusal(method);
    if (refusal) return this.#rejected(refusal);
    const { extraBody, sdk } = splitOptions(options);
    return send(extraBody ? { ...body, ...extraBody } : body, sdk);
  }

  /** Like {@link #send} for progress streams: a refusal surfaces on first use of the stream. */
  #progress(
    method: string,
    body: JsonBody,
    options: ClientRequestOptions | undefined,
    send: Send<JsonBody, ProgressStream>,
  ) {
    const refusal = this.#refusal(method);
    if (refusal) {
      return new ProgressStream(() => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(refusal) }),
      }));
    }
    return this.#send(method, body, options, send);
  }

  /** Fills the default model (required), merges `extraBody`, and sends. */
  #call<R>(
    body: JsonBody,
    options: ClientRequestOptions | undefined,
    send: Send<JsonBody, R>,
    method?: string,
  ): R {
    const refusal = this.#refusal(method);
    if (refusal) return this.#rejected(refusal);
    const { extraBody, sdk } = splitOptions(options);
    const model = body.model ?? this.config.model;
    if (model === undefined) {
      return this.#rejected(
        new OpenAIError('model is required: pass it or set a default `model` in the config'),
      );
    }
    return send({ ...body, model, ...extraBody }, sdk);
  }

  /** Fills the default model when there is one, merges `extraBody`, and sends. */
  #vllm<R>(
    method: string,
    body: object,
    options: ClientRequestOptions | undefined,
    send: Send<JsonBody, R>,
  ): R {
    const model = (body as { model?: string }).model ?? this.config.model;
    return this.#send(method, { ...body, ...(model ? { model } : {}) }, options, send);
  }

  #ollama() {
    return this.#handler.ollama!;
  }

  #vllmRoutes() {
    return this.#handler.vllm!;
  }
}

/** A client of platform `P`; see {@link OpenAICompatibleClientConstructor}. */
export type OpenAICompatibleClient<P extends Platform = Platform> = ClientOf<P>;
/** The client class: `new OpenAICompatibleClient({platform, baseURL, …})`. */
export const OpenAICompatibleClient = Client as unknown as OpenAICompatibleClientConstructor;
