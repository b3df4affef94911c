/**
 * Ollama's model-management and blob routes (Ollama API docs, Generate Embedding:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding; Ollama API docs:
 * https://github.com/ollama/ollama/blob/main/docs/api.md): progress streams for pull/push/create,
 * show/copy/delete/ps, blob HEAD/POST with the digest computed client-side.
 */

import type { OllamaProgress, OllamaRunningModel, OllamaShowResponse } from '@switchyard/wire';
import { NotFoundError } from 'openai';
import { readNdjson } from '../ndjson.js';
import type { OllamaEndpoints } from '../platforms/platform.js';
import { ProgressStream } from '../progress-stream.js';
import type { SdkRequestOptions } from '../request-options.js';
import type { Transport } from '../transport.js';
import { digestAndBody } from '../upload-body.js';

/** The Ollama endpoint group over a transport whose base URL is the Ollama root. */
export function ollamaManagement(transport: Transport): OllamaEndpoints {
  const progress = (path: string, body: object, options: SdkRequestOptions) =>
    new ProgressStream(async function* (abort) {
      const signal = options.signal ? AbortSignal.any([abort, options.signal]) : abort;
      const lines = await transport
        .post<Response>(path, { body: { ...body, stream: true }, ...options, signal, __binaryResponse: true })
        ._thenUnwrap((response, props) => readNdjson<OllamaProgress>(response, props.controller));
      for await (const line of lines) {
        yield line;
        if (line.status === 'success') return;
      }
    });
  const empty = (promise: PromiseLike<unknown>) => Promise.resolve(promise).then(() => undefined);
  return {
    create: (body, options) => progress('/api/create', body, options),
    pull: (body, options) => progress('/api/pull', body, options),
    push: (body, options) => progress('/api/push', body, options),
    show: (body, options) => transport.post<OllamaShowResponse>('/api/show', { body, ...options }),
    copy: (body, options) => empty(transport.post('/api/copy', { body, ...options })),
    delete: (model, options) => empty(transport.delete('/api/delete', { body: { model }, ...options })),
    running: (options) => transport.get<{ models: OllamaRunningModel[] }>('/api/ps', options),
    checkBlob: async (digest, options) => {
      try {
        // HEAD is outside the SDK's method type; its fetch call upper-cases any method name.
        await transport.request({
          method: 'head' as 'get',
          path: `/api/blobs/${digest}`,
          ...options,
          __binaryResponse: true,
        });
        return true;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    },
    pushBlob: async (source, options) => {
      const { digest, body } = await digestAndBody(source);
      const response = await transport
        .post<Response>(`/api/blobs/${digest}`, {
          body: body(),
          headers: { 'Content-Type': 'application/octet-stream' },
          ...options,
          __binaryResponse: true,
        })
        .asResponse();
      await response.arrayBuffer();
      return digest;
    },
    legacyEmbedding: (body, options) => transport.post('/api/embeddings', { body, ...options }),
  };
}
