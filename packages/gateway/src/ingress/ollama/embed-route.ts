/**
 * `POST /api/embed` and the legacy `POST /api/embeddings` (Ollama API docs, Generate Embeddings and Generate
 * Embedding: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings): routed as
 * `/v1/embeddings` is, answered in Ollama's shapes; an `ollama` provider gets the client's body as is (model
 * replaced) and its answer is passed back.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerFailure } from '../../http/error-handler.js';
import { writeRouted } from '../../http/respond.js';
import { traceContext } from '../../http/trace-context.js';
import {
  ollamaEmbedAnswer,
  ollamaEmbedToOpenAI,
  ollamaLegacyEmbeddingAnswer,
} from '../../protocols/ollama/embed.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { Router } from '../../routing/router.js';
import { nativeRequest } from './native-request.js';
import { wholeJson } from './whole-json.js';

/** Which of the two routes: `/api/embed` (`input`, `embeddings`) or `/api/embeddings` (`prompt`, `embedding`). */
export type EmbedRoute = 'embed' | 'embeddings';

/**
 * Serves one embedding request. Never throws after taking over the socket: failures are written in Ollama's
 * envelope (the route's error rendering).
 */
export async function handleEmbed(
  request: FastifyRequest,
  reply: FastifyReply,
  router: Router,
  route: EmbedRoute,
): Promise<void> {
  const startedAt = performance.now();
  const body = request.body as Record<string, unknown>;
  const model = body.model as string;
  const input = route === 'embed' ? body : { ...body, input: body.prompt };
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await router.dispatch({
      endpoint: 'embeddings',
      body: ollamaEmbedToOpenAI(input, model),
      model,
      stream: false,
      client,
      requestId: request.id,
      ...traceContext(request),
      native: nativeRequest(request, route === 'embed' ? '/api/embed' : '/api/embeddings'),
    });
    if (routed.response.kind === 'bytes' && routed.response.protocol === 'ollama') {
      request.server.metrics.observeOverhead('ollama', await writeRouted(res, routed, request));
      return;
    }
    const elapsedNs = Math.round((performance.now() - startedAt) * 1e6);
    const embed = ollamaEmbedAnswer(await wholeJson(routed.response), model, elapsedNs);
    const answer = route === 'embed' ? embed : ollamaLegacyEmbeddingAnswer(embed);
    const headers = routed.response.headers ? { headers: routed.response.headers } : {};
    const response = { kind: 'json' as const, status: 200, body: answer, ...headers };
    request.server.metrics.observeOverhead(
      'ollama',
      await writeRouted(res, { ...routed, response }, request),
    );
  } catch (err) {
    answerFailure(reply, client, err);
  }
}
