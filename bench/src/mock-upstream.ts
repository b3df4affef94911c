/**
 * The mock OpenAI-compatible upstream every target proxies to. It must never be the bottleneck, so every
 * response is prebuilt and the request body is only scanned for `"stream":true`, never parsed.
 *
 * Routes (shapes from OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create; OpenAI API reference, List models:
 * https://platform.openai.com/docs/api-reference/models/list):
 * - `POST /v1/chat/completions`: a `chat.completion` JSON object, or with `"stream": true` an SSE stream of
 *   `chunks` `chat.completion.chunk` events, the first sent at once (like a server's role chunk) and the rest
 *   every `intervalMs`, then `data: [DONE]`.
 * - `GET /v1/models`: one model, `bench-model`.
 * - `PUT /_mock/stream`: JSON `{chunks?, intervalMs?}` changes the stream shape at run time (the harness calls
 *   it directly, never through a proxy). Answers 204.
 *
 * Run as a process: `node --import tsx bench/src/mock-upstream.ts --port N` prints `listening <port>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The model id the mock serves and the harness asks for. */
export const MOCK_MODEL = 'bench-model';

/** Shape of streamed responses. */
export interface StreamShape {
  /** Content chunks per stream (≥ 1), not counting `[DONE]`. */
  chunks: number;
  /** Milliseconds between two chunks. */
  intervalMs: number;
}

const CREATED = 1_750_000_000;

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model: MOCK_MODEL,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'The quick brown fox jumps over the lazy dog.',
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 24, completion_tokens: 11, total_tokens: 35 },
  }),
);

const MODELS = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: [{ id: MOCK_MODEL, object: 'model', created: CREATED, owned_by: 'bench' }],
  }),
);

/** One SSE event carrying a chunk; `delta` is the chunk's `choices[0].delta`. */
function chunkEvent(delta: Record<string, unknown>, finishReason: string | null): Buffer {
  const chunk = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MOCK_MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`);
}

const FIRST_CHUNK = chunkEvent({ role: 'assistant', content: '' }, null);
const TOKEN_CHUNK = chunkEvent({ content: ' token' }, null);
const LAST_CHUNK = chunkEvent({}, 'stop');
const DONE = Buffer.from('data: [DONE]\n\n');
const STREAM_MARKER = /"stream"\s*:\s*true/;

/** JSON answers carry their length (as real servers do), so they are not sent with chunked framing. */
const jsonHeaders = (body: Buffer) => ({ 'content-type': 'application/json', 'content-length': body.length });
const COMPLETION_HEADERS = jsonHeaders(COMPLETION);
const MODELS_HEADERS = jsonHeaders(MODELS);
const NOT_FOUND = Buffer.from(
  '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}',
);
const NOT_FOUND_HEADERS = jsonHeaders(NOT_FOUND);
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function readBody(req: IncomingMessage, done: (body: string) => void): void {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () =>
    done(parts.length === 1 ? parts[0]!.toString('latin1') : Buffer.concat(parts).toString()),
  );
}

function stream(res: ServerResponse, shape: StreamShape): void {
  res.writeHead(200, SSE_HEADERS);
  res.write(FIRST_CHUNK);
  let sent = 1;
  if (sent >= shape.chunks) {
    res.end(DONE);
    return;
  }
  const timer = setInterval(() => {
    sent++;
    if (sent < shape.chunks) {
      res.write(TOKEN_CHUNK);
      return;
    }
    clearInterval(timer);
    res.write(LAST_CHUNK);
    res.end(DONE);
  }, shape.intervalMs);
  res.on('close', () => clearInterval(timer));
}

/**
 * Starts the mock on 127.0.0.1.
 * @param port TCP port, 0 for a random one
 * @param shape initial stream shape (changed later by `PUT /_mock/stream`)
 * @returns the listening server and its port
 */
export async function startMockUpstream(
  port: number,
  shape: StreamShape = { chunks: 20, intervalMs: 10 },
): Promise<{ server: Server; port: number }> {
  const current = { ...shape };
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/v1/chat/completions') {
      readBody(req, (body) => {
        if (STREAM_MARKER.test(body)) stream(res, current);
        else res.writeHead(200, COMPLETION_HEADERS).end(COMPLETION);
      });
      return;
    }
    if (req.method === 'GET' && url === '/v1/models') {
      res.writeHead(200, MODELS_HEADERS).end(MODELS);
      return;
    }
    if (req.method === 'PUT' && url === '/_mock/stream') {
      readBody(req, (body) => {
        const next = JSON.parse(body) as Partial<StreamShape>;
        if (next.chunks !== undefined) current.chunks = Math.max(1, next.chunks);
        if (next.intervalMs !== undefined) current.intervalMs = next.intervalMs;
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(404, NOT_FOUND_HEADERS).end(NOT_FOUND);
  });
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
  const { port: bound } = await startMockUpstream(port);
  process.stdout.write(`listening ${bound}\n`);
}
