/**
 * Model management on an `ollama` provider: each operation is the Ollama server's own route, called with the
 * client's request (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md — Pull a Model,
 * Delete a Model, Copy a Model, Check if a Blob Exists, Push a Blob, Create a Model). Progress lines come back
 * as Ollama sent them; an `{"error": ...}` line or an HTTP error keeps Ollama's message and status.
 */
import { GatewayError } from '../../core/errors.js';
import type { CreateModelRequest, ModelDefaults, ModelProgress, ModelStore } from '../model-store.js';
import type { OllamaTransport } from './transport.js';

/** An Ollama server's models, managed through its API. */
export class OllamaModelStore implements ModelStore {
  constructor(private readonly transport: OllamaTransport) {}

  async pull(name: string, signal: AbortSignal): Promise<AsyncIterable<ModelProgress>> {
    const lines = await this.transport.ndjson({
      method: 'POST',
      path: '/api/pull',
      body: { model: name, stream: true },
      signal,
    });
    return lines as AsyncIterable<ModelProgress>;
  }

  async delete(id: string): Promise<void> {
    await this.transport.status({
      method: 'DELETE',
      path: '/api/delete',
      body: { model: id },
      signal: AbortSignal.timeout(60_000),
    });
  }

  async copy(source: string, destination: string): Promise<void> {
    await this.transport.status({
      method: 'POST',
      path: '/api/copy',
      body: { source, destination },
      signal: AbortSignal.timeout(60_000),
    });
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      await this.transport.status({
        method: 'HEAD',
        path: blobPath(digest),
        signal: AbortSignal.timeout(60_000),
      });
      return true;
    } catch (err) {
      if (err instanceof GatewayError && err.status === 404) return false;
      throw err;
    }
  }

  async putBlob(digest: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    await this.transport.status({
      method: 'POST',
      path: blobPath(digest),
      stream: body,
      signal: new AbortController().signal,
    });
  }

  async create(request: CreateModelRequest & Record<string, unknown>): Promise<ModelProgress[]> {
    const lines = await this.transport.ndjson({
      method: 'POST',
      path: '/api/create',
      body: { ...request, stream: true },
      signal: AbortSignal.timeout(600_000),
    });
    const progress: ModelProgress[] = [];
    for await (const line of lines) progress.push(line as ModelProgress);
    return progress;
  }

  /** Ollama applies its own models' defaults itself. */
  async defaults(): Promise<ModelDefaults | undefined> {
    return undefined;
  }
}

function blobPath(digest: string): string {
  return `/api/blobs/${encodeURIComponent(digest).replace(/%3A/gi, ':')}`;
}
