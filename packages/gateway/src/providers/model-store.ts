/**
 * Model management on providers that keep model files themselves (the embedded engine's `models_dir`): what
 * Ollama's `/api/pull`, `/api/delete`, `/api/copy`, `/api/blobs/:digest` and `/api/create` do on an Ollama
 * server (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md).
 */

/**
 * One progress line of a pull or a create, in Ollama's shape (Ollama API docs, Pull a Model: `status`, and
 * while a file downloads `digest`, `total` and `completed` in bytes).
 */
export interface ModelProgress {
  status: string;
  /** `sha256:<64 hex>` of the file being downloaded. */
  digest?: string;
  /** Size of the whole file, bytes. */
  total?: number;
  /** Bytes of the file on disk so far (a resumed download starts at what the earlier attempt left). */
  completed?: number;
}

/** What `/api/create` asks for, reduced to what a file store can do. */
export interface CreateModelRequest {
  /** Name of the new model. */
  model: string;
  /** An existing model of the same store to start from. */
  from?: string;
  /** File name → `sha256:<hex>` of an uploaded blob (Ollama API docs, Create a Model: `files`). */
  files?: Record<string, string>;
  /** Default system prompt of the new model. */
  system?: string;
  /** Default `options` of the new model (Ollama's Modelfile `PARAMETER`s). */
  parameters?: Record<string, unknown>;
}

/** What a create stores beside the model file and the Ollama ingress applies as defaults. */
export interface ModelDefaults {
  system?: string;
  parameters?: Record<string, unknown>;
}

/**
 * A provider's writable store of model files. Every method that changes the set of models is followed by a
 * refresh of the provider's listing by the caller, so the change is served at once.
 */
export interface ModelStore {
  /**
   * Downloads a model. The iterable's first item comes once the download has begun (so failures to resolve
   * the name, reach the server or find a checksum are thrown before anything was sent), then progress lines,
   * ending with `{status: "success"}`.
   * @param name an `http(s)://` URL of a GGUF file or a name looked up in the configured registry, with an
   *   optional `@sha256:<hex>` suffix giving the expected checksum
   * @throws GatewayError 400 for a name that is neither, 404 when the server has no such file, 409 while the
   *   same model is being pulled, 502 for an unreachable server or a checksum mismatch
   */
  pull(name: string, signal: AbortSignal): Promise<AsyncIterable<ModelProgress>>;
  /**
   * Removes model `id` (and its stored defaults), unloading it first.
   * @throws GatewayError 404 when the store has no such model
   */
  delete(id: string): Promise<void>;
  /**
   * Copies model `source` to a new model `destination` (replacing one of that name).
   * @throws GatewayError 404 when the store has no `source`; 400 for a destination that is not a file name
   */
  copy(source: string, destination: string): Promise<void>;
  /** True when an uploaded blob with this digest (`sha256:<hex>`) is stored. */
  hasBlob(digest: string): Promise<boolean>;
  /**
   * Stores an uploaded blob, checking its bytes against `digest`.
   * @throws GatewayError 400 for a malformed digest or bytes that do not match it
   */
  putBlob(digest: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  /**
   * Creates a model from an uploaded blob or an existing model, with stored defaults.
   * @returns progress lines in Ollama's shape, ending with `{status: "success"}`
   * @throws GatewayError 400 for a request it cannot build a model from; 404 for a missing `from` model
   */
  create(request: CreateModelRequest): Promise<ModelProgress[]>;
  /** The defaults a create stored for model `id`, when there are any. */
  defaults(id: string): Promise<ModelDefaults | undefined>;
}
