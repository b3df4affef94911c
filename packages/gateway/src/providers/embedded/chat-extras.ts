import { z } from 'zod';
import { invalidParam } from '../../core/errors.js';

/**
 * vLLM's chat-only extras (vLLM docs, Extra Parameters, Chat API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#extra-parameters):
 * `add_generation_prompt` (default true), `continue_final_message` (default false), `echo` and
 * `chat_template_kwargs`.
 */
const ChatExtrasSchema = z.looseObject({
  add_generation_prompt: z.boolean().nullish(),
  continue_final_message: z.boolean().nullish(),
  echo: z.boolean().nullish(),
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
});

/** How the conversation is rendered and what the reply repeats. */
export interface ChatExtras {
  /** End the prompt with the assistant header (vLLM default true). */
  addGenerationPrompt: boolean;
  /** End the prompt inside the last message, which the model continues. */
  continueFinalMessage: boolean;
  /** Prepend the last message's content to the reply when it has the reply's role. */
  echo: boolean;
  /** Extra variables for the chat template. */
  kwargs: Record<string, unknown>;
}

/**
 * @throws GatewayError 400 naming the field for a wrong type, and for `continue_final_message` together
 *   with `add_generation_prompt: true` (vLLM's rule: the prompt cannot both open a new turn and continue one)
 */
export function readChatExtras(body: Record<string, unknown>): ChatExtras {
  const parsed = ChatExtrasSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map(String).join('.');
    throw invalidParam(param, `invalid value for '${param}': ${issue.message}`);
  }
  const b = parsed.data;
  const continueFinalMessage = b.continue_final_message === true;
  if (continueFinalMessage && b.add_generation_prompt === true) {
    throw invalidParam(
      'continue_final_message',
      'Cannot set both `continue_final_message` and `add_generation_prompt` to True.',
    );
  }
  return {
    addGenerationPrompt: continueFinalMessage ? false : b.add_generation_prompt !== false,
    continueFinalMessage,
    echo: b.echo === true,
    kwargs: b.chat_template_kwargs ?? {},
  };
}

/**
 * The reply's role and the text `echo` prepends (vLLM's chat `echo`): the reply has role `assistant` after
 * a generation prompt, else the last message's role; `echo` repeats the last message's content when its
 * role is the reply's.
 */
export function replyRole(
  messages: readonly { role: string; content: string | null }[],
  extras: ChatExtras,
): { role: string; echoed: string } {
  const last = messages.at(-1);
  const role = extras.addGenerationPrompt ? 'assistant' : (last?.role ?? 'assistant');
  const echoed = extras.echo && last?.role === role ? (last.content ?? '') : '';
  return { role, echoed };
}
