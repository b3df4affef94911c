/**
 * Renaming the `model` form field of a streamed multipart body (providers/openai-compatible/
 * multipart-model-rename.ts): only the field's value changes, at any chunk boundary, and file bytes that
 * merely look like a model field are left alone.
 */
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import {
  multipartBoundary,
  renameMultipartModel,
} from '../src/providers/openai-compatible/multipart-model-rename.js';

const BOUNDARY = 'b0undary-switchyard';

function form(parts: [string, string | Buffer, string?][]): Buffer {
  const out: Buffer[] = [Buffer.from('preamble ignored by parsers\r\n')];
  for (const [name, value, filename] of parts) {
    const extra = filename ? `; filename="${filename}"\r\nContent-Type: audio/wav` : '';
    out.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`));
    out.push(Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

async function* chunks(body: Buffer, size: number) {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

async function rename(body: Buffer, size: number, from: string, to: string): Promise<Buffer> {
  return buffer(renameMultipartModel(chunks(body, size), BOUNDARY, from, to));
}

describe('renameMultipartModel', () => {
  const decoy = Buffer.concat([
    randomBytes(3000),
    Buffer.from(`Content-Disposition: form-data; name="model"\r\n\r\nalias\r\n--not-the-boundary`),
    randomBytes(3000),
  ]);

  it.each([1, 5, 63, 4096, 1 << 20])('rewrites only the model value, in %i-byte chunks', async (size) => {
    for (const order of ['model first', 'model last'] as const) {
      const file: [string, Buffer, string] = ['file', decoy, 'a.wav'];
      const parts = (model: string): [string, string | Buffer, string?][] =>
        order === 'model first'
          ? [['model', model], ['language', 'en'], file]
          : [file, ['language', 'en'], ['model', model]];
      const out = await rename(form(parts('alias')), size, 'alias', 'org/whisper-large-v3');
      expect(out.equals(form(parts('org/whisper-large-v3')))).toBe(true);
    }
  });

  it('passes a body through unchanged when the model field does not hold the expected value', async () => {
    const body = form([
      ['model', 'other'],
      ['file', decoy, 'a.wav'],
    ]);
    expect((await rename(body, 7, 'alias', 'x')).equals(body)).toBe(true);
    const noModel = form([['file', decoy, 'a.wav']]);
    expect((await rename(noModel, 100, 'alias', 'x')).equals(noModel)).toBe(true);
  });

  it('reads the boundary from a content type, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
  });
});
