/**
 * A faithful fake Ollama server written from the Ollama API docs
 * (https://github.com/ollama/ollama/blob/main/docs/api.md): the native routes with NDJSON streaming (stream on by
 * default), progress streams for pull/push/create, HEAD/POST blobs with digest verification, `{"error": "..."}`
 * bodies with Ollama's statuses, and mid-stream error lines. State (models, blobs) lives in memory. `failNext`
 * injects failures for retry tests. Binds 127.0.0.1 on a random port.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_REPLY, mergedReply, type Reply, replyLines } from './fake-ollama-replies.js';

/** A request as the fake received it. */
export interface OllamaRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json: Record<string, unknown> | undefined;
  /** Client port of the TCP connection (same port = reused keep-alive socket). */
  remotePort: number | undefined;
}

/** An injected failure: answered instead of the route, once. */
export interface Failure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket without answering (a connection error). */
  reset?: boolean;
}

/** A running fake Ollama. */
export interface FakeOllama {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  requests: OllamaRequest[];
  /** Model names the server has (`/api/tags`); pull/create/copy add, delete removes. */
  models: Map<string, { modified_at: string; size: number; digest: string }>;
  blobs: Map<string, Buffer>;
  /** Reply of the next chat/generate calls (default {@link DEFAULT_REPLY}). */
  reply: Reply;
  /** Value of `/api/version`. */
  version: string;
  /** Answers the next requests with these failures, in order. */
  failNext(...failures: Failure[]): void;
  close(): Promise<void>;
}

const MODEL_DETAILS = {
  parent_model: '',
  format: 'gguf',
  family: 'llama',
  families: ['llama'],
  parameter_size: '260K',
  quantization_level: 'F32',
};

/** Starts a fake Ollama that has `models` (default `llama3.2:latest`). */
export async function startFakeOllama(models: string[] = ['llama3.2:latest']): Promise<FakeOllama> {
  const failures: Failure[] = [];
  const fake: FakeOllama = {
    url: '',
    requests: [],
    models: new Map(
      models.map((m) => [m, { modified_at: '2025-05-01T12:00:00Z', size: 1185376, digest: digestOf(m) }]),
    ),
    blobs: new Map(),
    reply: DEFAULT_REPLY,
    version: '0.12.11',
    failNext: (...f) => failures.push(...f),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let json: Record<string, unknown> | undefined;
      try {
        json = body.length && !path.startsWith('/api/blobs/') ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const method = req.method ?? 'GET';
      fake.requests.push({
        method,
        path,
        headers: req.headers,
        body,
        json,
        remotePort: req.socket.remotePort,
      });
      const failure = failures.shift();
      if (failure?.reset) {
        req.socket.destroy();
        return;
      }
      if (failure) {
        sendJson(res, failure.status, failure.body ?? { error: 'injected failure' }, failure.headers);
        return;
      }
      void route(fake, method, path, json ?? {}, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

async function route(
  fake: FakeOllama,
  method: string,
  path: string,
  body: Record<string, unknown>,
  raw: Buffer,
  res: ServerResponse,
) {
  const key = `${method} ${path}`;
  const model = (body.model ?? body.name) as string | undefined;
  const notFound = () => sendJson(res, 404, { error: `model '${model}' not found` });
  if (key === 'GET /' || key === 'HEAD /') return sendText(res, 200, 'Ollama is running');
  if (key === 'GET /api/version') return sendJson(res, 200, { version: fake.version });
  if (key === 'GET /api/tags') {
    const list = [...fake.models].map(([name, m]) => ({ name, model: name, ...m, details: MODEL_DETAILS }));
    return sendJson(res, 200, { models: list });
  }
  if (key === 'GET /api/ps') {
    const list = [...fake.models].slice(0, 1).map(([name, m]) => ({
      name,
      model: name,
      size: m.size,
      digest: m.digest,
      details: MODEL_DETAILS,
      expires_at: '2025-05-01T12:05:00Z',
      size_vram: 0,
      context_length: 2048,
    }));
    return sendJson(res, 200, { models: list });
  }
  if (key === 'POST /api/chat' || key === 'POST /api/generate') {
    if (!model) return sendJson(res, 400, { error: 'model is required' });
    if (!fake.models.has(withTag(model)))
      return sendJson(res, 404, { error: `model '${model}' not found, try pulling it first` });
    if (
      body.top_logprobs !== undefined &&
      ((body.top_logprobs as number) < 0 || (body.top_logprobs as number) > 20)
    ) {
      return sendJson(res, 400, { error: 'top_logprobs must be between 0 and 20' });
    }
    const kind = key === 'POST /api/chat' ? 'chat' : 'generate';
    const lines = replyLines(model, fake.reply, kind);
    if (body.stream === false) {
      const error = lines.find((l) => 'error' in l);
      return error ? sendJson(res, 500, error) : sendJson(res, 200, mergedReply(lines, kind));
    }
    return streamLines(res, lines);
  }
  if (key === 'POST /api/embed') {
    if (!fake.models.has(withTag(model ?? ''))) return notFound();
    const input = body.input;
    const inputs = typeof input === 'string' ? (input === '' ? [] : [input]) : (input as unknown[]);
    if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
      return sendJson(res, 400, { error: 'invalid input type' });
    }
    const embeddings = (inputs as string[]).map((text) =>
      normalize(vectorOf(text, (body.dimensions as number) ?? 4)),
    );
    return sendJson(res, 200, {
      model,
      embeddings,
      total_duration: 14143917,
      load_duration: 1019500,
      prompt_eval_count: 8,
    });
  }
  if (key === 'POST /api/embeddings') {
    if (!fake.models.has(withTag(model ?? ''))) return notFound();
    return sendJson(res, 200, { embedding: vectorOf(String(body.prompt), 4) });
  }
  if (key === 'POST /api/show') {
    if (!fake.models.has(withTag(model ?? ''))) return notFound();
    return sendJson(res, 200, {
      modelfile: `FROM ${model}`,
      parameters: 'temperature 0.8',
      template: '{{ .Prompt }}',
      details: MODEL_DETAILS,
      model_info: { 'general.architecture': 'llama', 'llama.context_length': 2048 },
      capabilities: ['completion'],
      modified_at: fake.models.get(withTag(model ?? ''))?.modified_at,
    });
  }
  if (key === 'POST /api/copy') {
    const source = fake.models.get(withTag(String(body.source)));
    if (!source) return sendJson(res, 404, { error: `model '${body.source}' not found` });
    fake.models.set(withTag(String(body.destination)), source);
    return sendEmpty(res, 200);
  }
  if (key === 'DELETE /api/delete') {
    if (!fake.models.delete(withTag(model ?? ''))) return notFound();
    return sendEmpty(res, 200);
  }
  if (key === 'POST /api/pull') return progress(res, body, pullLines(fake, String(model)));
  if (key === 'POST /api/push') {
    if (!fake.models.has(withTag(String(model)))) return notFound();
    const d = digestOf(String(model));
    return progress(res, body, [
      { status: 'retrieving manifest' },
      { status: 'starting upload', digest: d, total: 1185376 },
      { status: `pushing ${d.slice(7, 19)}`, digest: d, total: 1185376, completed: 1185376 },
      { status: 'pushing manifest' },
      { status: 'success' },
    ]);
  }
  if (key === 'POST /api/create') {
    const files = (body.files ?? {}) as Record<string, string>;
    const missing = Object.values(files).find((d) => !fake.blobs.has(d));
    if (missing) return sendJson(res, 400, { error: `invalid request: blob ${missing} not found` });
    if (!body.from && Object.keys(files).length === 0)
      return sendJson(res, 400, { error: "neither 'from' or 'files' was specified" });
    fake.models.set(withTag(String(model)), {
      modified_at: new Date().toISOString(),
      size: 1185376,
      digest: digestOf(String(model)),
    });
    const layer = Object.values(files)[0] ?? digestOf(String(body.from));
    return progress(res, body, [
      { status: 'parsing GGUF' },
      { status: `using existing layer ${layer}` },
      { status: 'writing manifest' },
      { status: 'success' },
    ]);
  }
  const blob = /^\/api\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path)?.[1];
  if (blob && method === 'HEAD') return sendEmpty(res, fake.blobs.has(blob) ? 200 : 404);
  if (blob && method === 'POST') {
    const actual = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    if (actual !== blob) return sendJson(res, 400, { error: 'digest mismatch' });
    const existed = fake.blobs.has(blob);
    fake.blobs.set(blob, raw);
    return sendEmpty(res, existed ? 200 : 201);
  }
  return sendText(res, 404, '404 page not found');
}

function pullLines(fake: FakeOllama, model: string): Record<string, unknown>[] {
  if (model.startsWith('missing'))
    return [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }];
  const d = digestOf(model);
  fake.models.set(withTag(model), { modified_at: new Date().toISOString(), size: 2019377376, digest: d });
  return [
    { status: 'pulling manifest' },
    { status: `pulling ${d.slice(7, 19)}`, digest: d, total: 2019377376 },
    { status: `pulling ${d.slice(7, 19)}`, digest: d, total: 2019377376, completed: 241970 },
    { status: `pulling ${d.slice(7, 19)}`, digest: d, total: 2019377376, completed: 2019377376 },
    { status: 'verifying sha256 digest' },
    { status: 'writing manifest' },
    { status: 'success' },
  ];
}

/**
 * Progress stream, or with `stream: false` only the last object (Ollama API docs, Pull a Model:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model).
 */
function progress(res: ServerResponse, body: Record<string, unknown>, lines: Record<string, unknown>[]) {
  if (body.stream === false) {
    const last = lines[lines.length - 1] ?? {};
    return sendJson(res, 'error' in last ? 500 : 200, last);
  }
  return streamLines(res, lines);
}

async function streamLines(res: ServerResponse, lines: Record<string, unknown>[]) {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const line of lines) {
    if (res.destroyed) return;
    res.write(`${JSON.stringify(line)}\n`);
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number) {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

/**
 * `name` → `name:latest` when it has no tag (Ollama API docs, Conventions:
 * https://github.com/ollama/ollama/blob/main/docs/api.md#conventions).
 */
function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function vectorOf(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => (text.charCodeAt(i % text.length) % 7) + i + 1);
}

function normalize(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
