/** `encodeImage`: data URLs from bytes, Blobs and paths, the media type sniffed from the signature bytes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeImage, sniffImageType } from '../src/index.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01]);

describe('encodeImage', () => {
  it('encodes bytes, an ArrayBuffer, a Blob and a file path to the same data URL', async () => {
    const expected = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
    const file = join(mkdtempSync(join(tmpdir(), 'switchyard-image-')), 'cat.png');
    writeFileSync(file, PNG);
    expect(await encodeImage(PNG)).toBe(expected);
    expect(await encodeImage(PNG.slice().buffer)).toBe(expected);
    expect(await encodeImage(new Blob([PNG]))).toBe(expected);
    expect(await encodeImage(file)).toBe(expected);
  });

  it('sniffs PNG, JPEG, GIF, WebP and BMP; a given or Blob type wins over unknown bytes; else rejects', async () => {
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(sniffImageType(new TextEncoder().encode('BM\0\0'))).toBe('image/bmp');
    const unknown = new Uint8Array([1, 2, 3]);
    expect(await encodeImage(unknown, 'image/avif')).toBe('data:image/avif;base64,AQID');
    expect(await encodeImage(new Blob([unknown], { type: 'image/heic' }))).toBe(
      'data:image/heic;base64,AQID',
    );
    await expect(encodeImage(unknown)).rejects.toThrow('unknown image format');
  });

  it('encodes a large image (beyond one String.fromCharCode chunk) exactly', async () => {
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    big.set(PNG);
    expect(await encodeImage(big)).toBe(`data:image/png;base64,${Buffer.from(big).toString('base64')}`);
  });
});
