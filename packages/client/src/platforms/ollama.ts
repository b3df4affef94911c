/**
 * The `ollama` platform: Ollama's native API (Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md), normalized to OpenAI schemas. Chat, completions and
 * embeddings go to `/api/chat`, `/api/generate` and `/api/embed`, streams are NDJSON parsed line by line into OpenAI
 * chunks; models come from `/api/tags` and `/api/show`; the management routes are the `ollama` endpoint group.
 */

import type { OllamaShowResponse } from '@switchyard/wire';
import type { APIPromise, PagePromise } from 'openai';
import type { Model, ModelsPage } from 'openai/resources/models';
import { Stream } from 'openai/streaming';
import { untilAborted, withAbort } from '../abortable-stream.js';
import { readNdjson } from '../ndjson.js';
import { toOllamaChatRequest } from '../ollama/chat-request.js';
import { toChatChunks, toChatCompletion } from '../ollama/chat-response.js';
import { LOGPROBS_SINCE, type OllamaRequestContext } from '../ollama/common.js';
import { toEmbeddingResponse, toOllamaEmbedRequest } from '../ollama/embed.js';
import { toCompletion, toCompletionChunks, toOllamaGenerateRequest } from '../ollama/generate.js';
import { ollamaManagement } from '../ollama/management.js';
import { OllamaModelsPage, toModel } from '../ollama/models.js';
import type { SdkRequestOptions } from '../request-options.js';
import { Transport } from '../transport.js';
import { rootURL } from '../urls.js';
import type { VersionResponse } from '../version-probe.js';
import { VersionProbe } from '../version-probe.js';
import type { JsonBody, PlatformContext, PlatformHandler } from './platform.js';
import { healthCheck } from './vllm.js';

/** Default base URL of the `ollama` platform. */
export const OLLAMA_BASE_URL = 'http://localhost:11434';

/** Creates the `ollama` platform. */
export function createOllamaPlatform({ config, params }: PlatformContext): PlatformHandler {
  const root = rootURL(config.baseURL ?? OLLAMA_BASE_URL);
  const transport = new Transport({ ...config, baseURL: root });
  const version = (options: SdkRequestOptions = {}) =>
    transport.get<VersionResponse>('/api/version', options);
  const probe = new VersionProbe(() => version({ maxRetries: 0 }));
  const ctx: OllamaRequestContext = {
    params,
    keepAlive: config.ollama?.keepAlive,
    options: config.ollama?.options,
    lacksLogprobs: () => probe.isBelow(LOGPROBS_SINCE),
  };

  /** POSTs a translated body; the reply is converted whole, or parsed line by line into a `Stream`. */
  function generation<Native, Out, Chunk>(
    path: string,
    native: Promise<JsonBody>,
    options: SdkRequestOptions,
    whole: (native: Native) => Out,
    chunks: (lines: AsyncIterable<Native>, includeUsage: boolean) => AsyncIterable<Chunk>,
    includeUsage: boolean,
  ): APIPromise<Out | Stream<Chunk>> {
    const request = native.then((body) => ({ body, ...options, __binaryResponse: true }));
    return transport.post<Response>(path, request)._thenUnwrap(async (response, props) => {
      const body = props.options.body as JsonBody;
      if (body.stream !== true) return whole((await response.json()) as Native);
      const lines = readNdjson<Native>(response, props.controller);
      const signal = props.controller.signal;
      return withAbort(
        new Stream(
          () => untilAborted(chunks(lines, includeUsage), signal)[Symbol.asyncIterator](),
          props.controller,
          transport,
        ),
      );
    }) as APIPromise<Out | Stream<Chunk>>;
  }

  const includeUsage = (body: JsonBody) =>
    (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;

  return {
    name: 'ollama',
    transport,
    openaiBaseURL: `${root}/v1`,
    chatCompletion: (body, options) =>
      generation(
        '/api/chat',
        toOllamaChatRequest(body, ctx),
        options,
        toChatCompletion,
        toChatChunks,
        includeUsage(body),
      ) as never,
    completion: (body, options) =>
      generation(
        '/api/generate',
        toOllamaGenerateRequest(body, ctx),
        options,
        toCompletion,
        toCompletionChunks,
        includeUsage(body),
      ) as never,
    embedding: (body, options) =>
      transport
        .post(
          '/api/embed',
          Promise.resolve().then(() => ({ body: toOllamaEmbedRequest(body, ctx), ...options })),
        )
        ._thenUnwrap((native) => toEmbeddingResponse(native as never, body.encoding_format)),
    listModels: (options) =>
      transport.getAPIList('/api/tags', OllamaModelsPage, options) as unknown as PagePromise<
        ModelsPage,
        Model
      >,
    retrieveModel: (model, options) =>
      transport
        .post<OllamaShowResponse>('/api/show', { body: { model }, ...options })
        ._thenUnwrap((show) => toModel(model, show.modified_at)),
    version,
    health: (options) => healthCheck(transport, '/', options),
    ollama: ollamaManagement(transport),
  };
}
