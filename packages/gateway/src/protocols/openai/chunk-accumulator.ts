/**
 * Chat completion chunks (OpenAI API reference, The chat completion chunk object:
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming) folded into the `chat.completion`
 * object the same answer would have had unstreamed (OpenAI API reference, The chat completion object:
 * https://platform.openai.com/docs/api-reference/chat/object): text and refusals joined, tool call arguments
 * joined per call `index`, one choice per choice `index`, the usage chunk's `usage`.
 */

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface ChoiceState {
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, { id: string; type: string; function: { name: string; arguments: string } }>;
  finishReason: unknown;
}

/** Folds one stream's chunks; {@link completion} gives the object so far. */
export class ChunkAccumulator {
  private id: unknown;
  private created: unknown;
  private model: unknown;
  private fingerprint: unknown;
  private usage: unknown = null;
  private readonly choices = new Map<number, ChoiceState>();

  push(chunk: unknown): void {
    const c = chunk as {
      id?: unknown;
      created?: unknown;
      model?: unknown;
      system_fingerprint?: unknown;
      usage?: unknown;
      choices?: {
        index?: number;
        delta?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[] };
        finish_reason?: unknown;
      }[];
    };
    if (typeof c !== 'object' || c === null) return;
    this.id ??= c.id;
    this.created ??= c.created;
    this.model ??= c.model;
    this.fingerprint ??= c.system_fingerprint;
    if (c.usage) this.usage = c.usage;
    for (const choice of c.choices ?? []) {
      const index = choice.index ?? 0;
      let state = this.choices.get(index);
      if (!state) {
        state = { content: null, refusal: null, toolCalls: new Map(), finishReason: null };
        this.choices.set(index, state);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const key = call.index ?? 0;
        const known = state.toolCalls.get(key);
        if (!known) {
          state.toolCalls.set(key, {
            id: call.id ?? '',
            type: call.type ?? 'function',
            function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
          });
        } else {
          known.function.arguments += call.function?.arguments ?? '';
          if (call.function?.name) known.function.name += call.function.name;
        }
      }
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
    }
  }

  /** The `chat.completion` object of the chunks pushed so far. */
  completion(): Record<string, unknown> {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      ...(this.fingerprint !== undefined ? { system_fingerprint: this.fingerprint } : {}),
      choices: [...this.choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, s]) => ({
          index,
          message: {
            role: 'assistant',
            content: s.content,
            refusal: s.refusal,
            ...(s.toolCalls.size > 0 ? { tool_calls: [...s.toolCalls.values()] } : {}),
          },
          finish_reason: s.finishReason,
          logprobs: null,
        })),
      usage: this.usage,
    };
  }
}
