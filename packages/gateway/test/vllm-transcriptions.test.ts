/**
 * Multipart `POST /v1/audio/transcriptions` through a real gateway process to a recording fake vLLM server
 * (vLLM docs, Transcriptions API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#transcriptions-api): the upload is streamed
 * byte for byte whichever side of the file the `model` field is on (the official openai SDK sends the file first),
 * only the model field changes for a renamed deployment, SSE answers stream through, limits hold while streaming, and
 * the read-ahead spool is always deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

const KEY = 'sk-gateway-test';
const MODEL = 'whisper-small';

let upstream: FakeUpstream;
let gateway: GatewayProcess;
/** TMPDIR of the gateway process, where upload read-aheads spill. */
let spoolDir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': {
      json: { object: 'list', data: [{ id: MODEL, object: 'model', created: 1735000000, owned_by: 'vllm' }] },
    },
    'POST /v1/audio/transcriptions': (req) =>
      req.body.includes('name="stream"\r\n\r\ntrue')
        ? { fixture: 'vllm/transcription-stream.sse' }
        : { json: { text: 'Hello world.' } },
  });
  spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-spool-test-'));
  gateway = await startGatewayProcess(
    {
      server: { api_keys: [KEY], log_level: 'warn', body_limit: '2mib' },
      providers: {
        vllm: { type: 'vllm', base_url: `${upstream.url}/v1`, api_key: 'upstream-key' },
        local: { type: 'ollama', base_url: upstream.url, discover: false },
      },
      models: [
        { id: 'renamed', deployments: [{ provider: 'vllm', model: MODEL }] },
        { id: 'ollama-model', deployments: [{ provider: 'local' }] },
      ],
    },
    { TMPDIR: spoolDir },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

/** Waits until the gateway has deleted every upload read-ahead (deletion runs as the upload ends). */
function spoolEmptied(): Promise<void> {
  return vi.waitFor(() => expect(readdirSync(spoolDir)).toEqual([]), { timeout: 5000 });
}

function postRaw(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(gateway.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

/** A multipart body built by hand, so the exact bytes the upstream must receive are known. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]) {
  const boundary = `----switchyard${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: audio/wav`
      : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('vLLM passthrough: multipart transcriptions', () => {
  it.each([
    ['before', 64 * 1024],
    ['after', 1536 * 1024],
  ])('streams the upload byte for byte with the model field %s a %i-byte file', async (where, size) => {
    const audio = randomBytes(size);
    const fields = [{ name: 'language', value: 'en' }];
    const file = { name: 'file', value: audio, filename: 'speech.wav' };
    const model = { name: 'model', value: MODEL };
    const { body, contentType } = multipart(
      where === 'before' ? [model, ...fields, file] : [file, ...fields, model],
    );
    const from = upstream.requests.length;
    const res = await postRaw('/v1/audio/transcriptions', body, { 'content-type': contentType });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"text":"Hello world."}');
    const received = upstream.requests[from]!;
    expect(received.url).toBe('/v1/audio/transcriptions');
    expect(received.headers['content-type']).toBe(contentType);
    expect(received.headers['content-length']).toBe(String(body.length));
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers.authorization).toBe('Bearer upstream-key');
    await spoolEmptied();
  });

  it('renames the model field, and only it, when the deployment serves the model under another name', async () => {
    const audio = randomBytes(700 * 1024);
    const sentForm = multipart([
      { name: 'file', value: audio, filename: 'speech.wav' },
      { name: 'model', value: 'renamed' },
    ]);
    const from = upstream.requests.length;
    const res = await postRaw('/v1/audio/transcriptions', sentForm.body, {
      'content-type': sentForm.contentType,
    });
    expect(res.status).toBe(200);
    const received = upstream.requests[from]!;
    const expected = Buffer.from(
      sentForm.body
        .toString('latin1')
        .replace('name="model"\r\n\r\nrenamed\r\n', `name="model"\r\n\r\n${MODEL}\r\n`),
      'latin1',
    );
    expect(received.body.equals(expected)).toBe(true);
    expect(received.headers['content-type']).toBe(sentForm.contentType);
  });

  it('streams a transcription answered as SSE through unchanged', async () => {
    const { body, contentType } = multipart([
      { name: 'model', value: MODEL },
      { name: 'stream', value: 'true' },
      { name: 'file', value: randomBytes(1024), filename: 'a.wav' },
    ]);
    const res = await postRaw('/v1/audio/transcriptions', body, { 'content-type': contentType });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toContain('"object":"transcription.chunk"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('works with the official openai SDK (file part first)', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY });
    const audio = randomBytes(300 * 1024);
    const from = upstream.requests.length;
    const result = await client.audio.transcriptions.create({
      file: await toFile(audio, 'speech.wav', { type: 'audio/wav' }),
      model: MODEL,
    });
    expect(result.text).toBe('Hello world.');
    const received = upstream.requests[from]!;
    expect(received.body.includes(audio)).toBe(true);
    expect(received.body.toString('latin1')).toContain(`name="model"\r\n\r\n${MODEL}\r\n`);
    await spoolEmptied();
  });

  it('answers 400 when the form has no model field, 413 over body_limit, 400 for JSON', async () => {
    const noModel = multipart([{ name: 'file', value: randomBytes(10), filename: 'a.wav' }]);
    const res1 = await postRaw('/v1/audio/transcriptions', noModel.body, {
      'content-type': noModel.contentType,
    });
    expect(res1.status).toBe(400);
    expect(((await res1.json()) as { error: { param: string } }).error.param).toBe('model');

    const big = multipart([
      { name: 'file', value: randomBytes(3 * 1024 * 1024), filename: 'a.wav' },
      { name: 'model', value: MODEL },
    ]);
    const res2 = await postRaw('/v1/audio/transcriptions', big.body, { 'content-type': big.contentType });
    expect(res2.status).toBe(413);

    const res3 = await postRaw('/v1/audio/transcriptions', `{"model":"${MODEL}","file":"abc"}`);
    expect(res3.status).toBe(400);
    await spoolEmptied();
  });

  it('enforces body_limit while streaming a chunked upload (no Content-Length)', async () => {
    const form = multipart([
      { name: 'model', value: MODEL },
      { name: 'file', value: randomBytes(3 * 1024 * 1024), filename: 'a.wav' },
    ]);
    const from = upstream.requests.length;
    const chunks = new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (let at = 0; at < form.body.length; at += 64 * 1024) {
          controller.enqueue(form.body.subarray(at, at + 64 * 1024));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        controller.close();
      },
    });
    const res = await fetch(`${gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': form.contentType },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    expect(upstream.requests.slice(from)).toEqual([]);
  });

  it('answers 400 for a provider without transcriptions and releases the read-ahead', async () => {
    const form = multipart([
      { name: 'file', value: randomBytes(600 * 1024), filename: 'a.wav' },
      { name: 'model', value: 'ollama-model' },
    ]);
    const res = await postRaw('/v1/audio/transcriptions', form.body, { 'content-type': form.contentType });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "provider type 'ollama' does not support the audio.transcriptions endpoint",
    );
    await spoolEmptied();
  });

  it('refuses multipart bodies on JSON routes with 415', async () => {
    const form = multipart([{ name: 'model', value: MODEL }]);
    const res = await postRaw('/tokenize', form.body, { 'content-type': form.contentType });
    expect(res.status).toBe(415);
  });
});
