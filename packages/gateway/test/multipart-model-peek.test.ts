/**
 * The multipart read-ahead (http/multipart-model-peek.ts) and its spool (http/chunk-spool.ts): the model is
 * found without reading past it, the replayed stream is the original byte for byte at any chunk boundary, the
 * read-ahead spills to a private temp file past the memory limit, and everything is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../src/core/errors.js';
import { ChunkSpool } from '../src/http/chunk-spool.js';
import { PEEK_MEMORY_BYTES, peekMultipartModel } from '../src/http/multipart-model-peek.js';

const BOUNDARY = 'switchyard-test-boundary';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
let spoolDir: string;
let savedTmp: string | undefined;

beforeAll(() => {
  savedTmp = process.env.TMPDIR;
  spoolDir = mkdtempSync(join(tmpdir(), 'switchyard-peek-test-'));
  process.env.TMPDIR = spoolDir;
});

afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

function form(parts: [string, string | Buffer, string?][]): Buffer {
  const out: Buffer[] = [];
  for (const [name, value, filename] of parts) {
    const extra = filename ? `; filename="${filename}"\r\nContent-Type: application/octet-stream` : '';
    out.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`));
    out.push(Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

/** A source that yields `body` in `size`-byte chunks and counts how many were pulled. */
function chunked(body: Buffer, size: number) {
  const state = { pulled: 0 };
  async function* chunks() {
    for (let at = 0; at < body.length; at += size) {
      state.pulled++;
      yield body.subarray(at, at + size);
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), state };
}

describe('peekMultipartModel', () => {
  it('finds a leading model field without reading the file, then replays the body unchanged', async () => {
    const body = form([
      ['model', 'whisper-large'],
      ['file', randomBytes(512 * 1024), 'a.wav'],
    ]);
    const { stream, state } = chunked(body, 16 * 1024);
    const peeked = await peekMultipartModel(stream, CONTENT_TYPE, 10 * 1024 * 1024);
    expect(peeked.model).toBe('whisper-large');
    expect(state.pulled).toBeLessThanOrEqual(2);
    expect((await buffer(peeked.stream)).equals(body)).toBe(true);
  });

  it('finds a trailing model field at any chunk size and spools the file to disk, not memory', async () => {
    const file = randomBytes(PEEK_MEMORY_BYTES * 3);
    const body = form([
      ['file', file, 'a.wav'],
      ['language', 'en'],
      ['model', 'whisper-small'],
    ]);
    for (const size of [997, 4096, body.length]) {
      const source = chunked(body, size);
      const peeked = await peekMultipartModel(source.stream, CONTENT_TYPE, 10 * 1024 * 1024);
      expect(peeked.model).toBe('whisper-small');
      expect(readdirSync(spoolDir)).toHaveLength(1);
      expect((await buffer(peeked.stream)).equals(body)).toBe(true);
      expect(readdirSync(spoolDir)).toEqual([]);
    }
  });

  it('rejects a form without model (400), a malformed body (400) and a body over the limit (413)', async () => {
    const codes = async (body: Buffer, limit = 1024 * 1024, contentType = CONTENT_TYPE) => {
      try {
        await peekMultipartModel(chunked(body, 1024).stream, contentType, limit);
        return 'resolved';
      } catch (err) {
        return `${(err as GatewayError).status} ${(err as GatewayError).code}`;
      }
    };
    expect(await codes(form([['file', randomBytes(100), 'a.wav']]))).toBe('400 missing_required_parameter');
    expect(await codes(Buffer.from('not a form at all'))).toBe('400 invalid_multipart');
    expect(await codes(form([['model', 'm']]), 1024, 'multipart/form-data')).toBe('400 invalid_multipart');
    expect(
      await codes(form([['file', randomBytes(PEEK_MEMORY_BYTES * 2), 'a.wav']]), PEEK_MEMORY_BYTES),
    ).toBe('413 request_too_large');
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('answers 400 incomplete_body when the client stops sending before the model field', async () => {
    const head = form([['file', randomBytes(8 * 1024), 'a.wav']]).subarray(0, 4096);
    async function* cutOff() {
      yield head;
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    const error = await peekMultipartModel(
      Readable.from(cutOff(), { objectMode: false }),
      CONTENT_TYPE,
      1 << 20,
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('incomplete_body');
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('fails the forwarded stream with 413 when the rest of the body passes the limit', async () => {
    const body = form([
      ['model', 'm'],
      ['file', randomBytes(64 * 1024), 'a.wav'],
    ]);
    const peeked = await peekMultipartModel(chunked(body, 1024).stream, CONTENT_TYPE, 32 * 1024);
    const error = await buffer(peeked.stream).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(413);
  });
});

describe('ChunkSpool', () => {
  it('keeps small bodies in memory and spills the rest to a 0600 temp file it deletes on dispose', async () => {
    const spool = new ChunkSpool(10);
    const parts = [Buffer.from('0123456789'), Buffer.from('abcdef'), randomBytes(200 * 1024)];
    await spool.append(parts[0]!);
    expect(readdirSync(spoolDir)).toEqual([]);
    await spool.append(parts[1]!);
    await spool.append(parts[2]!);
    expect(spool.size).toBe(10 + 6 + 200 * 1024);
    expect(readdirSync(spoolDir)).toHaveLength(1);
    const replayed = [];
    for await (const chunk of spool.replay()) replayed.push(chunk);
    expect(Buffer.concat(replayed).equals(Buffer.concat(parts))).toBe(true);
    await spool.dispose();
    await spool.dispose();
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
