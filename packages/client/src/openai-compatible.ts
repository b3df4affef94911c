/**
 * The common endpoints of servers that speak the OpenAI wire format themselves (vLLM, OpenAI, Switchyard):
 * the request goes through the SDK unchanged except for what the platform's `prepare` hooks rewrite.
 */
import type { APIPromise } from 'openai';
import type { EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { Model } from 'openai/resources/models';
import { Stream } from 'openai/streaming';
import { withAbort } from './abortable-stream.js';
import { statusError } from './errors.js';
import type { JsonBody, PlatformHandler } from './platforms/platform.js';
import type { SdkRequestOptions } from './request-options.js';
import type { TranscriptionParams } from './transcription-params.js';
import type { Transport } from './transport.js';
import { toUploadable } from './upload-body.js';

/** Rewrites a request body in place before it is sent (may probe the server first). */
export type Prepare = (body: JsonBody) => void | Promise<void>;

/** Platform hooks of {@link openaiCompatibleEndpoints}. */
export interface OpenAICompatibleHooks {
  prepareChat?: Prepare;
  prepareCompletion?: Prepare;
  /** Rewrites an embedding request in place before it is sent. */
  prepareEmbedding?: (body: JsonBody) => void;
  /** Find the model in `GET /models` instead of `GET /models/{id}` (servers without the latter). */
  retrieveFromList?: boolean;
}

type CommonEndpoints = Pick<
  PlatformHandler,
  'chatCompletion' | 'completion' | 'embedding' | 'listModels' | 'retrieveModel' | 'transcription'
>;

/** Chat, completions, embeddings, models and transcriptions through the SDK at the transport's base URL. */
export function openaiCompatibleEndpoints(
  transport: Transport,
  hooks: OpenAICompatibleHooks = {},
): CommonEndpoints {
  const send = (path: string, body: JsonBody, options: SdkRequestOptions, prepare: Prepare | undefined) =>
    transport
      .post(
        path,
        Promise.resolve(prepare?.(body)).then(() => ({ body, ...options, stream: body.stream === true })),
      )
      ._thenUnwrap((result) => (result instanceof Stream ? withAbort(result) : result));
  return {
    chatCompletion: (body, options) => send('/chat/completions', body, options, hooks.prepareChat) as never,
    completion: (body, options) => send('/completions', body, options, hooks.prepareCompletion) as never,
    embedding: (body, options) => {
      hooks.prepareEmbedding?.(body);
      return transport.embeddings.create(body as unknown as EmbeddingCreateParams, options);
    },
    listModels: (options) => transport.models.list(options),
    retrieveModel: (model, options) =>
      hooks.retrieveFromList
        ? findModel(transport, model, options)
        : transport.models.retrieve(model, options),
    transcription: async (body: TranscriptionParams, options) => {
      const file = await toUploadable(body.file);
      const params = { ...body, file } as Parameters<Transport['audio']['transcriptions']['create']>[0];
      return transport.audio.transcriptions.create(params, options);
    },
  };
}

function findModel(transport: Transport, model: string, options: SdkRequestOptions): APIPromise<Model> {
  return transport.models.list(options)._thenUnwrap((page, props) => {
    const found = page.data.find((m) => m.id === model);
    if (found) return found;
    const error = {
      error: { message: `The model \`${model}\` does not exist.`, type: 'NotFoundError', code: 404 },
    };
    throw statusError(404, error, undefined, props.response.headers);
  });
}
