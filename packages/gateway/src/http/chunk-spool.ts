import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Size of the blocks read back from the spool file, bytes. */
const READ_BLOCK = 64 * 1024;

/**
 * Holds the first bytes of a request body while the gateway reads ahead in it (e.g. to find the `model` field
 * of a multipart upload), so they can be replayed unchanged to the upstream. The first `memoryLimit` bytes stay
 * in memory; anything beyond goes to a private temporary file (mode 0600) that {@link dispose} deletes.
 */
export class ChunkSpool {
  private readonly memory: Buffer[] = [];
  private memoryBytes = 0;
  private file: { dir: string; handle: FileHandle; bytes: number } | undefined;
  private disposed = false;

  /** @param memoryLimit bytes kept in memory before spilling to disk */
  constructor(private readonly memoryLimit: number) {}

  /** Total bytes held. */
  get size(): number {
    return this.memoryBytes + (this.file?.bytes ?? 0);
  }

  /** Appends a chunk (in memory while under the limit, else to the spool file). */
  async append(chunk: Buffer): Promise<void> {
    if (!this.file && this.memoryBytes + chunk.length <= this.memoryLimit) {
      this.memory.push(chunk);
      this.memoryBytes += chunk.length;
      return;
    }
    if (!this.file) {
      const dir = await mkdtemp(join(tmpdir(), 'switchyard-upload-'));
      this.file = { dir, handle: await open(join(dir, 'body'), 'w+', 0o600), bytes: 0 };
    }
    const { bytesWritten } = await this.file.handle.write(chunk, 0, chunk.length, this.file.bytes);
    this.file.bytes += bytesWritten;
  }

  /** Yields every held byte in order: memory first, then the spool file in 64 KiB blocks. */
  async *replay(): AsyncGenerator<Buffer> {
    yield* this.memory;
    const file = this.file;
    if (!file) return;
    for (let position = 0; position < file.bytes; ) {
      const block = Buffer.allocUnsafe(Math.min(READ_BLOCK, file.bytes - position));
      const { bytesRead } = await file.handle.read(block, 0, block.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      yield block.subarray(0, bytesRead);
    }
  }

  /** Frees the memory and deletes the spool file. Safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.memory.length = 0;
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    await file.handle.close().catch(() => undefined);
    await rm(file.dir, { recursive: true, force: true });
  }
}
