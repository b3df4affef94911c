/**
 * Server version probing: request fields changed between releases of vLLM (vLLM release notes:
 * https://github.com/vllm-project/vllm/releases) and Ollama (logprobs since 0.12.11, Ollama API docs, Generate a
 * completion: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion).
 */
import { compareVersions } from '@switchyard/wire';

/**
 * `GET /version` (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and `GET /api/version` (Ollama API docs,
 * Version: https://github.com/ollama/ollama/blob/main/docs/api.md#version).
 */
export interface VersionResponse {
  version: string;
  /** `"switchyard"` when a Switchyard gateway answered: its version says nothing about the upstream's. */
  server?: string;
}

/**
 * Fetches a server's version once per client, on first need. Resolves undefined when the server does not say
 * (no version route, a proxy in between, or a Switchyard gateway, which marks its answer with
 * `server: "switchyard"`): callers then send requests unchanged and the upstream decides.
 */
export class VersionProbe {
  #version: Promise<string | undefined> | undefined;

  constructor(private readonly fetchVersion: () => PromiseLike<VersionResponse>) {}

  /** The server's version string, or undefined when unknown. */
  get(): Promise<string | undefined> {
    this.#version ??= Promise.resolve(this.fetchVersion()).then(
      (r) => (typeof r?.version === 'string' && r.server !== 'switchyard' ? r.version : undefined),
      () => undefined,
    );
    return this.#version;
  }

  /** True when the version is known and below `minimum`. */
  async isBelow(minimum: string): Promise<boolean> {
    const version = await this.get();
    return version !== undefined && compareVersions(version, minimum) < 0;
  }
}
