import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import {
  classifyBody,
  detokenizeBody,
  poolingBody,
  rerankBody,
  scoreBody,
  tokenizeBody,
} from '../../http/vllm-request-schemas.js';
import type { Endpoint } from '../../providers/provider.js';
import type { Router } from '../../routing/router.js';
import { handleInference, OPENAI_PREFIXES } from '../openai/routes.js';

/** The gateway package's version, answered on `GET /version`. */
const GATEWAY_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string })
  .version;

/**
 * vLLM's non-OpenAI JSON routes at the server root, with the aliases vLLM itself serves (vLLM docs,
 * OpenAI-Compatible Server: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): `/score` also as
 * `/v1/score`, `/rerank` also as `/v1/rerank` and `/v2/rerank`. No `/v1/tokenize` style aliases exist in vLLM, so
 * none are added.
 */
const VLLM_POSTS: readonly [string, Endpoint, object][] = [
  ['/tokenize', 'tokenize', tokenizeBody],
  ['/detokenize', 'detokenize', detokenizeBody],
  ['/pooling', 'pooling', poolingBody],
  ['/classify', 'classify', classifyBody],
  ['/score', 'score', scoreBody],
  ['/v1/score', 'score', scoreBody],
  ['/rerank', 'rerank', rerankBody],
  ['/v1/rerank', 'rerank', rerankBody],
  ['/v2/rerank', 'rerank', rerankBody],
];

/**
 * Registers vLLM's extra endpoints: the JSON routes above, `POST /audio/transcriptions` under every OpenAI
 * prefix (multipart, streamed to the provider; see http/multipart-upload.ts) and `GET /version`. Requests
 * go through the same auth, validation, routing by `model` and error handling as the OpenAI routes
 * ({@link handleInference}); a provider without the endpoint answers 400 naming its type.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerVllmRoutes(app: FastifyInstance, deps: { router: Router }): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const [path, endpoint, schema] of VLLM_POSTS) {
    app.post(path, { schema: { body: schema } }, (request, reply) =>
      handleInference(endpoint, request, reply, deps.router),
    );
    paths.set(path, ['POST']);
  }
  for (const prefix of OPENAI_PREFIXES) {
    const path = `${prefix}/audio/transcriptions`;
    app.post(path, { config: { acceptsUpload: true } }, (request, reply) =>
      handleTranscription(request, reply, deps.router),
    );
    paths.set(path, ['POST']);
  }
  app.get('/version', async () => ({ version: GATEWAY_VERSION, server: 'switchyard' }));
  paths.set('/version', ['GET']);
  return paths;
}

/**
 * `POST /v1/audio/transcriptions` (vLLM docs, Transcriptions API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#transcriptions-api; OpenAI API reference,
 * Create transcription: https://platform.openai.com/docs/api-reference/audio/createTranscription): only multipart
 * bodies carry the audio file, so JSON is refused with 400. The upload's read-ahead is released when the response
 * ends.
 * @throws GatewayError 400 (`invalid_content_type`) for a body that is not multipart
 */
async function handleTranscription(request: FastifyRequest, reply: FastifyReply, router: Router) {
  const upload = request.upload;
  if (!upload) {
    throw new GatewayError(400, 'audio transcriptions take a multipart/form-data body with a file part', {
      code: 'invalid_content_type',
    });
  }
  reply.raw.once('close', () => void upload.dispose());
  await handleInference('audio.transcriptions', request, reply, router);
}
