import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.js';
import { type PeekedUpload, peekMultipartModel } from './multipart-model-peek.js';

/** A multipart upload on its way to a provider (see `ProviderRequest.upload`). */
export interface RequestUpload {
  stream: PeekedUpload['stream'];
  /** The client's `Content-Type`, boundary included; sent upstream unchanged. */
  contentType: string;
  /** The client's `Content-Length` in bytes, when it sent one. */
  contentLength?: number;
  dispose: PeekedUpload['dispose'];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The multipart upload of an upload route (transcriptions), or null. */
    upload: RequestUpload | null;
  }
  interface FastifyContextConfig {
    /** The route accepts `multipart/form-data` bodies (streamed, never buffered whole). */
    acceptsUpload?: boolean;
  }
}

/**
 * Accepts `multipart/form-data` on routes marked `config: { acceptsUpload: true }` without buffering it:
 * the body is read only as far as its `model` field ({@link peekMultipartModel}), `request.body` becomes
 * `{model}` so routing works as for JSON, and `request.upload` carries the unchanged body stream for the
 * provider. Other routes answer 415. The declared `Content-Length` is checked against `bodyLimit` before
 * anything is read, and the byte count is enforced while streaming.
 * @param bodyLimit largest body accepted, bytes (server.body_limit)
 * @throws GatewayError 415 (`unsupported_media_type`) on routes without uploads, 413 over the limit, 400 for a
 *   malformed form or one without `model`
 */
export function registerMultipartUploads(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest('upload', null);
  app.addContentTypeParser(
    'multipart/form-data',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      if (!request.routeOptions.config.acceptsUpload) {
        throw new GatewayError(415, `multipart/form-data is not accepted on ${request.url.split('?')[0]}`, {
          code: 'unsupported_media_type',
        });
      }
      const declared = Number(request.headers['content-length']);
      if (declared > bodyLimit) {
        throw new GatewayError(413, 'Request body is larger than the configured limit (server.body_limit)', {
          code: 'request_too_large',
        });
      }
      const contentType = request.headers['content-type'] as string;
      const peeked = await peekMultipartModel(payload, contentType, bodyLimit);
      request.upload = {
        stream: peeked.stream,
        contentType,
        ...(Number.isInteger(declared) ? { contentLength: declared } : {}),
        dispose: peeked.dispose,
      };
      return { model: peeked.model };
    },
  );
}
