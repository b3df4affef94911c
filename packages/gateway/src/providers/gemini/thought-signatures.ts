/**
 * Gemini `thoughtSignature`s kept per synthesized tool-call id, so that a follow-up request can re-attach
 * each signature to its `functionCall` part (Gemini API reference, Generating content:
 * https://ai.google.dev/api/generate-content; Gemini API docs, Thought signatures:
 * https://ai.google.dev/gemini-api/docs/thought-signatures; Gemini 3 rejects function calls in the history without
 * their signature). OpenAI clients only echo back `tool_calls`, so the gateway remembers the signatures in memory;
 * after a restart, or on another gateway instance, they are gone and the call is sent without one. Anthropic
 * clients (`/v1/messages`) echo the ids renamed `toolu_…` (protocols/anthropic/tool-ids.ts); those are found too.
 */
import { canonicalToolId } from '../../protocols/anthropic/tool-ids.js';

/** Signatures remembered at most; the oldest are forgotten first. */
const CAPACITY = 10_000;

/** A bounded map of tool-call id → thought signature. */
export class ThoughtSignatures {
  private readonly byId = new Map<string, string>();

  /** Remembers the signature that came with tool call `id`. */
  remember(id: string, signature: string): void {
    this.byId.delete(id);
    this.byId.set(id, signature);
    if (this.byId.size > CAPACITY) this.byId.delete(this.byId.keys().next().value!);
  }

  /** The signature of tool call `id` (or of the call an Anthropic `toolu_…` id was made from), if remembered. */
  get(id: string): string | undefined {
    const signature = this.byId.get(id);
    if (signature !== undefined) return signature;
    const canonical = canonicalToolId(id);
    return canonical === undefined ? undefined : this.byId.get(canonical);
  }
}
