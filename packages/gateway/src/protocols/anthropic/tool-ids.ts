/**
 * Tool-use ids in Anthropic's style. Anthropic names them `toolu_…` (Anthropic API reference, Messages:
 * https://docs.anthropic.com/en/api/messages, "tool_use" content blocks); OpenAI-compatible upstreams name
 * them `call_…`. The mapping is deterministic, so a streamed and a non-streamed answer agree, and the id a
 * client sends back in `tool_result.tool_use_id` matches the `tool_use.id` it sent in the same history.
 */
import { newId } from '../../core/ids.js';

/**
 * @param id the canonical tool call id (absent or empty when the upstream gave none)
 * @returns `id` when it already starts with `toolu_`; else `toolu_` + the id without a `call_` prefix; a
 *   fresh random `toolu_…` id when there is none
 */
export function anthropicToolId(id: unknown): string {
  if (typeof id !== 'string' || id === '') return newId('toolu_');
  if (id.startsWith('toolu_')) return id;
  return `toolu_${id.startsWith('call_') ? id.slice(5) : id}`;
}

/**
 * The canonical id a `toolu_…` id was made from by {@link anthropicToolId}, for providers that look their own
 * ids up (Gemini's remembered thought signatures).
 * @param id a tool-use id as an Anthropic client sends it back
 * @returns `call_` + the id without `toolu_` when it starts with `toolu_`, else undefined
 */
export function canonicalToolId(id: string): string | undefined {
  return id.startsWith('toolu_') ? `call_${id.slice(6)}` : undefined;
}
