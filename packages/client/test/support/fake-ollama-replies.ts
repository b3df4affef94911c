/**
 * Scripted model output for the fake Ollama server: what `/api/chat` and `/api/generate` answer, as the native
 * lines the Ollama API docs describe (deltas with `done: false`, then a metrics trailer with `done: true`):
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion and
 * https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion.
 */

/** What one chat/generate call produces. */
export interface Reply {
  /** Text deltas, one NDJSON line each when streaming; concatenated otherwise. */
  content?: string[];
  /** Thinking deltas, sent before the content (chat `message.thinking`, generate `thinking`). */
  thinking?: string[];
  /** Native tool calls (arguments as objects), sent whole in one line (Ollama API docs, Generate a chat completion). */
  toolCalls?: Array<{
    id?: string;
    function: { index?: number; name: string; arguments: Record<string, unknown> };
  }>;
  /** `done_reason` of the final line; default `stop`. */
  doneReason?: string;
  /** After the content lines, end the stream with `{"error": …}` instead of the trailer (status already 200). */
  errorAfter?: string;
  /** Per-token logprobs attached to each content line. */
  logprobs?: boolean;
  promptEvalCount?: number;
}

/** The default reply: three text deltas. */
export const DEFAULT_REPLY: Reply = { content: ['The', ' sky', ' is blue.'], promptEvalCount: 26 };

const CREATED_AT = '2025-01-02T10:00:00.123456789Z';

/** Native lines for a reply; `kind` picks chat (`message`) or generate (`response`) framing. */
export function replyLines(
  model: string,
  reply: Reply,
  kind: 'chat' | 'generate',
): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const base = { model, created_at: CREATED_AT };
  const text = (content: string, extra: Record<string, unknown> = {}) =>
    kind === 'chat'
      ? { ...base, message: { role: 'assistant', content, ...extra }, done: false }
      : { ...base, response: content, ...extra, done: false };
  for (const t of reply.thinking ?? []) lines.push(text('', { thinking: t }));
  for (const c of reply.content ?? []) {
    const logprobs = reply.logprobs
      ? {
          logprobs: [
            {
              token: c,
              logprob: -0.5,
              bytes: [...Buffer.from(c)],
              top_logprobs: [{ token: c, logprob: -0.5 }],
            },
          ],
        }
      : {};
    lines.push({ ...text(c), ...logprobs });
  }
  if (reply.toolCalls) {
    lines.push({
      ...base,
      message: { role: 'assistant', content: '', tool_calls: reply.toolCalls },
      done: false,
    });
  }
  if (reply.errorAfter) {
    lines.push({ error: reply.errorAfter });
    return lines;
  }
  const evalCount = (reply.content?.length ?? 0) + (reply.thinking?.length ?? 0) + (reply.toolCalls ? 1 : 0);
  lines.push({
    ...(kind === 'chat'
      ? { ...base, message: { role: 'assistant', content: '' } }
      : { ...base, response: '' }),
    done: true,
    done_reason: reply.doneReason ?? 'stop',
    ...(kind === 'generate' ? { context: [1, 2, 3] } : {}),
    total_duration: 912000000,
    load_duration: 5100000,
    // omitempty: a zero count is absent (Ollama API docs, Conventions:
    // https://github.com/ollama/ollama/blob/main/docs/api.md#conventions)
    ...(reply.promptEvalCount
      ? { prompt_eval_count: reply.promptEvalCount, prompt_eval_duration: 130000000 }
      : {}),
    eval_count: evalCount,
    eval_duration: 700000000,
  });
  return lines;
}

/** The single object a non-streamed call returns: deltas merged into the final line. */
export function mergedReply(
  lines: Record<string, unknown>[],
  kind: 'chat' | 'generate',
): Record<string, unknown> {
  const last = { ...lines[lines.length - 1] };
  if (kind === 'chat') {
    let content = '';
    let thinking = '';
    const toolCalls: unknown[] = [];
    for (const line of lines) {
      const m = line.message as { content?: string; thinking?: string; tool_calls?: unknown[] } | undefined;
      content += m?.content ?? '';
      thinking += m?.thinking ?? '';
      toolCalls.push(...(m?.tool_calls ?? []));
    }
    last.message = {
      role: 'assistant',
      content,
      ...(thinking ? { thinking } : {}),
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    const logprobs = lines.flatMap((l) => (l.logprobs as unknown[] | undefined) ?? []);
    if (logprobs.length) last.logprobs = logprobs;
  } else {
    last.response = lines.map((l) => (l.response as string | undefined) ?? '').join('');
    const thinking = lines.map((l) => (l.thinking as string | undefined) ?? '').join('');
    if (thinking) last.thinking = thinking;
    const logprobs = lines.flatMap((l) => (l.logprobs as unknown[] | undefined) ?? []);
    if (logprobs.length) last.logprobs = logprobs;
  }
  return last;
}
