/**
 * Ollama's model management routes (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md —
 * Pull a Model, Delete a Model, Copy a Model, Check if a Blob Exists, Push a Blob, Create a Model) on the
 * providers that have a model store (providers/model-store.ts): the embedded engine's `models_dir`, and an
 * `ollama` provider, which gets each call as its own route. After a change the provider's models are listed
 * again before the answer ends, so the model is served at once. A model on any other provider type gets a 400
 * in Ollama's envelope naming the provider.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { peekFirst } from '../../core/async-iterables.js';
import { GatewayError } from '../../core/errors.js';
import { ollamaKnobsToOpenAI } from '../../protocols/ollama/options-to-openai.js';
import type { ModelProgress, ModelStore } from '../../providers/model-store.js';
import type { Provider } from '../../providers/provider.js';
import type { ModelRegistry } from '../../routing/model-registry.js';
import { renderOllamaError } from './error-rendering.js';
import { NDJSON_CONTENT_TYPE } from './generation-route.js';
import { copyBody, createBody, deleteBody, pullBody } from './request-schemas.js';

/** A provider's store and the name a model has there. */
interface StoreTarget {
  provider: Provider & { modelStore: ModelStore };
  name: string;
}

/** `create` fields only an Ollama server can honour (the embedded engine runs single GGUF files as they are). */
const OLLAMA_ONLY_CREATE_FIELDS = ['template', 'adapters', 'quantize', 'messages'] as const;

/**
 * Registers `/api/pull`, `/api/delete`, `/api/copy`, `/api/blobs/:digest` and `/api/create`.
 * @returns the registered paths with their methods (for 405 answers)
 */
export function registerOllamaModelRoutes(
  app: FastifyInstance,
  registry: ModelRegistry,
): Map<string, string[]> {
  const config = { renderError: renderOllamaError };
  app.post('/api/pull', { schema: { body: pullBody }, config }, async (request, reply) => {
    const body = request.body as { model?: string; name?: string; stream?: boolean };
    const target = pullTarget(registry, required(body.model ?? body.name, 'model'));
    const progress = await target.provider.modelStore.pull(target.name, clientGone(reply));
    const lines = refreshOnSuccess(progress, registry, target.provider.id);
    return answerProgress(reply, lines, body.stream !== false);
  });
  app.delete('/api/delete', { schema: { body: deleteBody }, config }, async (request, reply) => {
    const body = request.body as { model?: string; name?: string };
    const target = servedTarget(registry, required(body.model ?? body.name, 'model'));
    await target.provider.modelStore.delete(target.name);
    await registry.refreshProvider(target.provider.id);
    return reply.send();
  });
  app.post('/api/copy', { schema: { body: copyBody }, config }, async (request, reply) => {
    const body = request.body as { source: string; destination: string };
    const target = servedTarget(registry, body.source);
    await target.provider.modelStore.copy(target.name, body.destination);
    await registry.refreshProvider(target.provider.id);
    return reply.send();
  });
  app.post('/api/create', { schema: { body: createBody }, config }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const model = required((body.model ?? body.name) as string | undefined, 'model');
    const from = typeof body.from === 'string' ? servedTarget(registry, body.from) : undefined;
    const target = from ?? defaultTarget(registry);
    const native = target.provider.type === 'ollama';
    if (!native) {
      const refused = OLLAMA_ONLY_CREATE_FIELDS.find((field) => body[field] !== undefined);
      if (refused) throw notOnThisProvider(target.provider, `'${refused}' on create`);
      if (body.parameters !== undefined) ollamaKnobsToOpenAI({ options: body.parameters });
    }
    const { stream: _stream, name: _name, ...rest } = body;
    const progress = await target.provider.modelStore.create({
      ...(native ? rest : pickCreate(body)),
      model,
      ...(from ? { from: from.name } : {}),
    });
    await registry.refreshProvider(target.provider.id);
    return answerProgress(reply, listed(progress), body.stream !== false);
  });
  app.register(async (blobs) => {
    blobs.removeAllContentTypeParsers();
    blobs.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    blobs.head('/api/blobs/:digest', { config }, async (request, reply) => {
      const { digest } = request.params as { digest: string };
      const exists = await defaultTarget(registry).provider.modelStore.hasBlob(digest);
      return reply.code(exists ? 200 : 404).send();
    });
    blobs.post('/api/blobs/:digest', { config }, async (request, reply) => {
      const { digest } = request.params as { digest: string };
      await defaultTarget(registry).provider.modelStore.putBlob(digest, request.raw);
      return reply.code(201).send();
    });
  });
  return new Map([
    ['/api/pull', ['POST']],
    ['/api/delete', ['DELETE']],
    ['/api/copy', ['POST']],
    ['/api/create', ['POST']],
    ['/api/blobs/:digest', ['HEAD', 'POST']],
  ]);
}

/**
 * Where a pull goes: the `ollama` provider of a model it already serves (an update), else the first provider
 * with a store.
 */
function pullTarget(registry: ModelRegistry, name: string): StoreTarget {
  const first = registry.get(name)?.deployments[0];
  if (first?.provider.type === 'ollama' && first.provider.modelStore) {
    return { provider: first.provider as StoreTarget['provider'], name: first.model };
  }
  return { ...defaultTarget(registry), name };
}

/**
 * The store of the provider serving model `name` (its first deployment) and the model's name there.
 * @throws GatewayError 404 for a model the gateway does not serve; 400 when its provider has no store
 */
function servedTarget(registry: ModelRegistry, name: string): StoreTarget {
  const served = registry.get(name) ?? registry.get(name.replace(/:latest$/, ''));
  const first = served?.deployments[0];
  if (!first) throw new GatewayError(404, `model '${name}' not found`, { code: 'model_not_found' });
  if (!first.provider.modelStore) throw notOnThisProvider(first.provider, `managing model '${name}'`);
  return { provider: first.provider as StoreTarget['provider'], name: first.model };
}

/**
 * The first provider, in config order, with a model store: where new models and blobs go.
 * @throws GatewayError 400 when no provider has one
 */
function defaultTarget(registry: ModelRegistry): StoreTarget {
  for (const provider of registry.providers.values()) {
    if (provider.modelStore) return { provider: provider as StoreTarget['provider'], name: '' };
  }
  throw new GatewayError(
    400,
    'no provider can store models: configure an embedded provider with models_dir, or an ollama provider',
    { code: 'unsupported_endpoint' },
  );
}

function notOnThisProvider(provider: Provider, what: string): GatewayError {
  return new GatewayError(
    400,
    `${what} is not supported by provider '${provider.id}' (type ${provider.type}); only embedded providers with models_dir and ollama providers manage models`,
    { code: 'unsupported_endpoint' },
  );
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw new GatewayError(400, `${field} is required`, { param: field, code: 'missing_required_parameter' });
  }
  return value;
}

function pickCreate(body: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of ['files', 'system', 'parameters'] as const) {
    if (body[field] !== undefined) picked[field] = body[field];
  }
  return picked;
}

/** An abort signal that fires when the client goes away before the answer ended. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** The progress lines, with the provider's models listed again before `success` is passed on. */
async function* refreshOnSuccess(
  lines: AsyncIterable<ModelProgress>,
  registry: ModelRegistry,
  providerId: string,
): AsyncGenerator<ModelProgress> {
  for await (const line of lines) {
    if (line.status === 'success') await registry.refreshProvider(providerId);
    yield line;
  }
}

async function* listed(lines: readonly ModelProgress[]): AsyncGenerator<ModelProgress> {
  yield* lines;
}

/**
 * Answers with progress lines as NDJSON (the first one awaited, so an early failure keeps its status, and a
 * later one ends the stream with an `{"error": "..."}` line, as Ollama does), or, with `stream: false`, with
 * the last line once all arrived (Ollama answers `{"status": "success"}`).
 */
async function answerProgress(
  reply: FastifyReply,
  lines: AsyncIterable<ModelProgress>,
  stream: boolean,
): Promise<FastifyReply> {
  if (!stream) {
    let last: ModelProgress = { status: 'success' };
    for await (const line of lines) last = line;
    return reply.send(last);
  }
  const { items } = await peekFirst(ndjson(lines));
  return reply.type(NDJSON_CONTENT_TYPE).send(Readable.from(items));
}

async function* ndjson(lines: AsyncIterable<ModelProgress>): AsyncGenerator<string> {
  let sent = false;
  try {
    for await (const line of lines) {
      yield `${JSON.stringify(line)}\n`;
      sent = true;
    }
  } catch (err) {
    if (!sent) throw err;
    const message = err instanceof GatewayError ? err.message : 'the pull failed';
    yield `${JSON.stringify({ error: message })}\n`;
  }
}
