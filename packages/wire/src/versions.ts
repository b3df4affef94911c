/**
 * Comparing the version strings servers report: vLLM's `GET /version` (vLLM docs, OpenAI-Compatible Server:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) and Ollama's `GET /api/version` (Ollama API
 * docs, Version: https://github.com/ollama/ollama/blob/main/docs/api.md#version). Request fields appeared or were
 * removed in given releases, so gateway and client both ask "is this server older than X?".
 */

/**
 * The `[major, minor, patch]` of a version string. A leading `v` is allowed, missing minor or patch parts count as 0,
 * and anything after the numbers is ignored: `0.33.0-rc2`, `0.10.1.dev12+g1a2b3c` and `0.9.2rc1` read as their
 * numbers.
 * @returns undefined when the string does not start with a number
 */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/**
 * Compares two versions by their numbers (`0.10.2` < `0.12.0`).
 * @returns negative when `a` is older than `b`, positive when newer, and 0 when equal. Also 0 when either cannot be
 *   read or `a` is `0.0.0` (what development builds of Ollama report), so a server of unknown version is treated as
 *   current: nothing is rewritten or refused on a guess.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb || pa.every((n) => n === 0)) return 0;
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] as number) - (pb[i] as number);
    if (diff !== 0) return diff;
  }
  return 0;
}
