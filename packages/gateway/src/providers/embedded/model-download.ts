/**
 * Resumable, checksum-verified download of one model file over HTTP(S), reporting progress as Ollama's pull
 * does (Ollama API docs, Pull a Model: https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model).
 * A download that fails midway leaves `<file>.partial` behind; the next download of the same file asks the
 * server for the rest with an HTTP `Range` request (RFC 9110 §14.2) and hashes the kept bytes first.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { GatewayError } from '../../core/errors.js';
import type { ModelProgress } from '../model-store.js';

/** A file to download. */
export interface DownloadPlan {
  url: string;
  /** Absolute path the verified file is renamed to. */
  target: string;
  /** Expected sha256, 64 lowercase hex digits; looked up at the server when absent (expectedDigest). */
  sha256?: string;
}

/** Progress lines are sent each time this share of the file (or the end) has arrived. */
const PROGRESS_STEP = 0.01;

const SHA256_HEX = /\b([a-f0-9]{64})\b/i;

/** Follows redirects (model hosts such as Hugging Face answer with one to their CDN). */
const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));

/**
 * Starts downloading `plan.url`. Resolves once the server answered the file request, so an unreachable
 * server, a missing file or an unknown checksum fail before any progress is reported.
 * @returns progress lines: `pulling <digest prefix>` with `digest`, `total`, `completed` bytes as data
 *   arrives, then `verifying sha256 digest`; the file is at `plan.target` when the iterable ends
 * @throws GatewayError 404 when the server has no such file; 400 when no checksum is known (neither given nor
 *   served as `<url>.sha256`, `Repr-Digest` or `X-Linked-Etag`); 502 for other failures; the iterable throws
 *   502 for an interrupted transfer (the partial file kept) or a checksum mismatch (the partial file removed)
 */
export async function startDownload(
  plan: DownloadPlan,
  signal: AbortSignal,
): Promise<AsyncIterable<ModelProgress>> {
  const partial = `${plan.target}.partial`;
  const sha256 = plan.sha256 ?? (await servedChecksum(`${plan.url}.sha256`, signal));
  let offset = await fileSize(partial);
  let res = await get(plan.url, offset, signal);
  if (res.statusCode === 416 && offset > 0) {
    await res.body.dump();
    await rm(partial, { force: true });
    offset = 0;
    res = await get(plan.url, 0, signal);
  }
  if (res.statusCode === 404 || res.statusCode === 410) {
    await res.body.dump();
    throw new GatewayError(
      404,
      `pull model manifest: file does not exist (${plan.url} answered ${res.statusCode})`,
    );
  }
  if (res.statusCode >= 400) {
    await res.body.dump();
    throw new GatewayError(502, `${plan.url} answered HTTP ${res.statusCode}`, {
      code: 'upstream_connection_error',
    });
  }
  const range = contentRange(res.headers['content-range']);
  if (res.statusCode !== 206 || range?.start !== offset) offset = 0;
  const expected = sha256 ?? headerChecksum(res.headers);
  if (expected === undefined) {
    await res.body.dump();
    throw new GatewayError(
      400,
      `cannot verify ${plan.url}: no sha256 known (add @sha256:<hex> to the name, or serve ${plan.url}.sha256)`,
      { code: 'invalid_value' },
    );
  }
  const length = Number(res.headers['content-length']);
  const total = range?.total ?? (Number.isFinite(length) ? offset + length : undefined);
  return transfer({ ...plan, sha256: expected }, partial, offset, total, res.body);
}

async function* transfer(
  plan: DownloadPlan & { sha256: string },
  partial: string,
  offset: number,
  total: number | undefined,
  body: Dispatcher.ResponseData['body'],
): AsyncGenerator<ModelProgress> {
  const digest = `sha256:${plan.sha256}`;
  const line = (completed: number): ModelProgress => ({
    status: `pulling ${plan.sha256.slice(0, 12)}`,
    digest,
    ...(total !== undefined ? { total } : {}),
    completed,
  });
  const hash = createHash('sha256');
  if (offset > 0) await hashFile(partial, hash);
  const file = await open(partial, offset > 0 ? 'a' : 'w');
  let completed = offset;
  let reported = offset;
  try {
    yield line(completed);
    try {
      for await (const chunk of body) {
        await file.write(chunk as Buffer);
        hash.update(chunk as Buffer);
        completed += (chunk as Buffer).length;
        if (total === undefined || completed - reported >= total * PROGRESS_STEP || completed === total) {
          reported = completed;
          yield line(completed);
        }
      }
    } catch (err) {
      throw new GatewayError(
        502,
        `download of ${plan.url} interrupted after ${completed}${total !== undefined ? ` of ${total}` : ''} bytes (${(err as Error).message}); pull again to resume`,
        { code: 'upstream_connection_error' },
      );
    }
  } finally {
    await file.close();
    body.destroy();
  }
  if (reported !== completed) yield line(completed);
  yield { status: 'verifying sha256 digest' };
  const actual = hash.digest('hex');
  if (actual !== plan.sha256) {
    await rm(partial, { force: true });
    throw new GatewayError(
      502,
      `digest mismatch, file must be downloaded again: want ${digest}, got sha256:${actual}`,
      { code: 'upstream_protocol_error' },
    );
  }
  await rename(partial, plan.target);
}

function get(url: string, offset: number, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  return request(url, { method: 'GET', headers, signal, dispatcher }).catch((err: unknown) => {
    throw unreachable(url, err, signal);
  });
}

/** The checksum a server publishes beside a file (`sha256sum` output or the bare hex), if it does. */
async function servedChecksum(url: string, signal: AbortSignal): Promise<string | undefined> {
  const res = await get(url, 0, signal);
  const text = await res.body.text().catch((err: unknown) => {
    throw unreachable(url, err, signal);
  });
  if (res.statusCode !== 200) return undefined;
  return SHA256_HEX.exec(text)?.[1]?.toLowerCase();
}

/**
 * The file's sha256 from response headers: `Repr-Digest: sha-256=:<base64>:` (RFC 9530) or Hugging Face's
 * `X-Linked-Etag` (the LFS object's sha256, Hugging Face Hub docs, "Download files from the Hub").
 */
function headerChecksum(headers: Dispatcher.ResponseData['headers']): string | undefined {
  const repr = headers['repr-digest'];
  const match = typeof repr === 'string' ? /sha-256=:([A-Za-z0-9+/=]+):/.exec(repr) : null;
  if (match) return Buffer.from(match[1]!, 'base64').toString('hex');
  const etag = headers['x-linked-etag'];
  const hex = typeof etag === 'string' ? /^(?:W\/)?"?([a-f0-9]{64})"?$/i.exec(etag) : null;
  return hex?.[1]?.toLowerCase();
}

/** `Content-Range: bytes <start>-<end>/<total>` (RFC 9110 §14.4). */
function contentRange(value: string | string[] | undefined): { start: number; total?: number } | undefined {
  const match = typeof value === 'string' ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), ...(match[2] !== '*' ? { total: Number(match[2]) } : {}) };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function unreachable(url: string, err: unknown, signal: AbortSignal): GatewayError {
  const reason = signal.aborted ? 'the client went away' : (err as Error).message;
  return new GatewayError(502, `cannot download ${url}: ${reason}`, {
    code: 'upstream_connection_error',
    cause: err,
  });
}
