/**
 * `structured_outputs` ↔ `guided_*`: vLLM 0.10.2 introduced `structured_outputs` and 0.12.0 removed the
 * `guided_*` fields, which newer servers then ignore silently (vLLM docs, Structured Outputs:
 * https://docs.vllm.ai/en/latest/features/structured_outputs.html; vLLM release notes:
 * https://github.com/vllm-project/vllm/releases). The client rewrites whichever form the caller used into the one the
 * server understands.
 */
import { compareVersions } from '@switchyard/wire';
import type { JsonBody } from '../platforms/platform.js';
import type { ParamPolicy } from '../unsupported-params.js';
import type { VersionProbe } from '../version-probe.js';

const GUIDED_TO_STRUCTURED: Record<string, string> = {
  guided_json: 'json',
  guided_regex: 'regex',
  guided_choice: 'choice',
  guided_grammar: 'grammar',
  guided_whitespace_pattern: 'whitespace_pattern',
};

/** vLLM version that added `structured_outputs`. */
export const STRUCTURED_OUTPUTS_SINCE = '0.10.2';
/** vLLM version that removed `guided_*`. */
export const GUIDED_REMOVED_IN = '0.12.0';

/**
 * Rewrites the structured-output fields of a chat or completion body in place for the server's version. Probes
 * the version only when the body uses either form.
 * @throws {UnsupportedParamError} for a field with no equivalent on the server (under the `error` policy)
 */
export async function adaptStructuredOutputs(body: JsonBody, version: VersionProbe, params: ParamPolicy) {
  const guided = Object.keys(body).filter((k) => k.startsWith('guided_'));
  const structured = body.structured_outputs;
  if (guided.length === 0 && structured === undefined) return;
  const serverVersion = await version.get();
  if (serverVersion === undefined) return;
  if (guided.length > 0 && compareVersions(serverVersion, GUIDED_REMOVED_IN) >= 0) {
    const converted: Record<string, unknown> = { ...(structured as Record<string, unknown> | undefined) };
    for (const key of guided) {
      const target = GUIDED_TO_STRUCTURED[key];
      if (target === undefined) {
        params.reject(body, key, `removed in vLLM ${GUIDED_REMOVED_IN}, no structured_outputs equivalent`);
        continue;
      }
      converted[target] = body[key];
      delete body[key];
    }
    body.structured_outputs = converted;
    return;
  }
  if (
    structured &&
    typeof structured === 'object' &&
    compareVersions(serverVersion, STRUCTURED_OUTPUTS_SINCE) < 0
  ) {
    const fromStructured = Object.fromEntries(Object.entries(GUIDED_TO_STRUCTURED).map(([g, s]) => [s, g]));
    for (const [key, value] of Object.entries(structured)) {
      const target = fromStructured[key];
      if (target !== undefined) body[target] = value;
      else if (key === 'json_object' && value === true) body.response_format ??= { type: 'json_object' };
      else
        params.reject(
          { [key]: value },
          `structured_outputs.${key}`,
          `needs vLLM ${STRUCTURED_OUTPUTS_SINCE}`,
        );
    }
    delete body.structured_outputs;
  }
}
