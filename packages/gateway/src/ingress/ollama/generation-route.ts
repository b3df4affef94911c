/**
 * `POST /api/chat` and `POST /api/generate` (Ollama API docs, Generate a chat completion and Generate a
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md): the request becomes a canonical request
 * routed as `/v1/chat/completions` is (retries, fallbacks, timeouts, cancellation when the client disconnects),
 * and the answer comes back as Ollama's NDJSON lines (`stream` defaults to true) or one JSON object. A
 * deployment on an `ollama` provider gets the client's body as is (model replaced) and its bytes are piped back.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { peekFirst } from '../../core/async-iterables.js';
import { GatewayError } from '../../core/errors.js';
import { answerFailure } from '../../http/error-handler.js';
import { writeRouted } from '../../http/respond.js';
import { traceContext } from '../../http/trace-context.js';
import { ollamaChatToOpenAI } from '../../protocols/ollama/chat-to-openai.js';
import { ollamaGenerateToOpenAI } from '../../protocols/ollama/generate-to-openai.js';
import {
  type AnswerClock,
  loadAnswer,
  type OllamaAnswerKind,
  OllamaLineTranscoder,
  ollamaAnswer,
} from '../../protocols/ollama/openai-to-lines.js';
import { openAIChunks } from '../../protocols/openai/chunk-stream.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { ProviderResponse } from '../../providers/provider.js';
import { WholeBody } from '../../routing/guarded-response.js';
import type { ModelRegistry } from '../../routing/model-registry.js';
import type { Router } from '../../routing/router.js';
import { servedModel } from './listed-models.js';
import { withModelDefaults } from './model-defaults.js';
import { nativeRequest, servedNatively } from './native-request.js';
import { wholeJson } from './whole-json.js';

/** Content type of Ollama's streamed answers (the Ollama server's `application/x-ndjson`). */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** The canonical endpoint of each route (a raw generate goes to `completions` instead). */
const ENDPOINTS = { chat: 'chat.completions', generate: 'chat.completions' } as const;

/** What the generation routes need. */
export interface GenerationDeps {
  registry: ModelRegistry;
  router: Router;
}

/**
 * Serves one chat or generate request. A request with nothing to generate (no messages, an empty prompt) only
 * checks the model and answers `done_reason: "load"`, as Ollama does when asked to load a model; a model served
 * only by `ollama` providers gets every request as it came (servedNatively). Never throws
 * after taking over the socket: failures are written in Ollama's envelope (the route's error rendering), or as a last `{"error": "..."}` line
 * once the stream began.
 * @throws GatewayError 400 for a body the mapping refuses, 404 for an unknown model (before the socket is taken
 *   over, so the route's error rendering answers)
 */
export async function handleGeneration(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: GenerationDeps,
  kind: OllamaAnswerKind,
): Promise<void> {
  const clock: AnswerClock = { startedAt: performance.now(), now: () => performance.now() };
  const asked = request.body as Record<string, unknown>;
  const model = asked.model as string;
  const stream = asked.stream !== false;
  const native = servedNatively(deps.registry, model);
  if (!native && nothingToGenerate(kind, asked)) {
    servedModel(deps.registry, model);
    const answer = loadAnswer(kind, model);
    reply.type(stream ? NDJSON_CONTENT_TYPE : 'application/json');
    return reply.send(stream ? `${JSON.stringify(answer)}\n` : answer);
  }
  const body = native ? asked : await withModelDefaults(deps.registry, kind, asked);
  const canonical = native
    ? { endpoint: ENDPOINTS[kind], body: { model, stream } }
    : kind === 'chat'
      ? { endpoint: ENDPOINTS.chat, body: ollamaChatToOpenAI(body, model) }
      : ollamaGenerateToOpenAI(body, model);
  const res = reply.raw;
  const client = new AbortSwitch();
  res.once('close', () => {
    if (!res.writableFinished) client.abort();
  });
  reply.hijack();
  try {
    const routed = await deps.router.dispatch({
      endpoint: canonical.endpoint,
      body: canonical.body,
      model,
      stream,
      client,
      requestId: request.id,
      ...traceContext(request),
      native: nativeRequest(request, kind === 'chat' ? '/api/chat' : '/api/generate'),
    });
    const response = await ollamaResponse(routed.response, kind, model, clock, stream);
    request.server.metrics.observeOverhead(
      'ollama',
      await writeRouted(res, { ...routed, response }, request),
    );
  } catch (err) {
    answerFailure(reply, client, err);
  }
}

function nothingToGenerate(kind: OllamaAnswerKind, body: Record<string, unknown>): boolean {
  if (kind === 'chat') return !Array.isArray(body.messages) || body.messages.length === 0;
  const images = Array.isArray(body.images) ? body.images.length : 0;
  return (body.prompt === undefined || body.prompt === '') && images === 0 && !body.suffix;
}

/**
 * The canonical answer as Ollama's: one JSON object, or NDJSON lines whose first line is awaited before the
 * status is sent (so a failure before it still gets its HTTP status). An Ollama upstream's own bytes stay as
 * they are.
 */
async function ollamaResponse(
  response: ProviderResponse,
  kind: OllamaAnswerKind,
  model: string,
  clock: AnswerClock,
  stream: boolean,
): Promise<ProviderResponse> {
  if (response.kind === 'bytes' && response.protocol === 'ollama') return response;
  const headers = response.headers ? { headers: response.headers } : {};
  if (
    !stream ||
    response.kind === 'json' ||
    (response.kind === 'bytes' && response.body instanceof WholeBody)
  ) {
    const whole = await wholeJson(response);
    return { kind: 'json', status: 200, body: ollamaAnswer(kind, whole, model, clock), ...headers };
  }
  const chunks = response.kind === 'chunks' ? response.chunks : openAIChunks(response.body);
  const { items } = await peekFirst(ndjsonLines(chunks, new OllamaLineTranscoder(kind, model, clock)));
  return { kind: 'bytes', status: 200, contentType: NDJSON_CONTENT_TYPE, body: items, ...headers };
}

/**
 * NDJSON bytes of the transcoded lines. A failure before the first line is thrown; after it the stream ends with
 * an `{"error": "..."}` line, as Ollama ends a stream that failed.
 */
async function* ndjsonLines(
  chunks: AsyncIterable<unknown>,
  transcoder: OllamaLineTranscoder,
): AsyncGenerator<Uint8Array> {
  let sent = false;
  try {
    for await (const chunk of chunks) {
      const lines = transcoder.push(chunk);
      if (lines.length === 0) continue;
      sent = true;
      yield Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    }
    yield Buffer.from(`${JSON.stringify(transcoder.finish())}\n`);
  } catch (err) {
    if (!sent) throw err;
    const message = err instanceof GatewayError ? err.message : 'the upstream stream failed';
    yield Buffer.from(`${JSON.stringify({ error: message })}\n`);
  }
}
