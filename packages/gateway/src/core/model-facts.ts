/**
 * What a provider knows about one of its model files, for model listings in protocols that show them
 * (Ollama's `/api/tags`, `/api/show`).
 */
export interface ModelFacts {
  /** File size, bytes. */
  sizeBytes: number;
  /** File modification time, Unix seconds. */
  modifiedAt: number;
  /** sha256 of the file's bytes, lower-case hex. */
  sha256: string;
  /** File format, e.g. `gguf`. */
  format: string;
  /** The file's header metadata, flattened to dotted keys (`general.architecture`); large arrays left out. */
  metadata: Record<string, unknown>;
  /** Weights in the file (sum of tensor element counts), when known. */
  parameterCount?: number;
  /** Chat template the provider applies (config override, else the file's own), when any. */
  chatTemplate?: string;
}
