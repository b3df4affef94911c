import { Template } from '@huggingface/jinja';
import { GatewayError, invalidParam } from '../../core/errors.js';
import { detectToolCallFormat, type ToolCallFormat } from './tool-call-parsers.js';

/**
 * A chat message as chat templates expect it: OpenAI's message shape with `content` flattened to a string
 * (or null), `developer` mapped to `system`, and tool-call `arguments` parsed into objects (Hugging Face
 * templates serialise them with `tojson`).
 */
export interface TemplateMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_calls?: { id?: string; type: 'function'; function: { name: string; arguments: unknown } }[];
  tool_call_id?: string;
}

/**
 * Used when neither the GGUF nor the config supplies a chat template: ChatML, llama.cpp server's own
 * fallback. Tool definitions are not rendered; a forced tool call is still produced by grammar.
 */
export const FALLBACK_CHAT_TEMPLATE =
  "{%- for message in messages -%}{{- '<|im_start|>' + message.role + '\\n' + (message.content or '') + " +
  "'<|im_end|>\\n' -}}{%- endfor -%}{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

/** How {@link ChatTemplate.render} renders a conversation. */
export interface RenderOptions {
  tools?: unknown[];
  addGenerationPrompt: boolean;
  continueFinalMessage?: boolean;
  kwargs?: Record<string, unknown>;
}

const TURN_MARK = '\u0000switchyard-turn-mark\u0000';

/**
 * A compiled Jinja chat template (Hugging Face `tokenizer.chat_template` format, rendered with
 * `@huggingface/jinja`, the engine node-llama-cpp itself uses). Rendering gets the variables Hugging Face
 * passes: `messages`, `tools`, `add_generation_prompt`, `bos_token`, `eos_token`.
 */
export class ChatTemplate {
  /** True when the model has no template and {@link FALLBACK_CHAT_TEMPLATE} is used. */
  readonly isFallback: boolean;
  /**
   * Text the template writes after an assistant turn (e.g. `<|im_end|>`), detected by rendering a sample
   * conversation; generation in chat stops there. Undefined when it cannot be detected.
   */
  readonly endOfTurn: string | undefined;
  /** The tool-call syntax the template's markers show (tool-call-parsers.ts); undefined: none known. */
  readonly toolCallFormat: ToolCallFormat | undefined;
  private readonly template: Template;

  /**
   * @param source the Jinja source, or undefined for the fallback
   * @param specialTokens texts of the model's BOS / EOS tokens ('' when the model has none)
   * @throws Error when the template does not parse
   */
  constructor(
    source: string | undefined,
    private readonly specialTokens: { bos: string; eos: string },
  ) {
    this.isFallback = source === undefined;
    this.template = new Template(source ?? FALLBACK_CHAT_TEMPLATE);
    this.endOfTurn = this.detectEndOfTurn();
    this.toolCallFormat = detectToolCallFormat(source);
  }

  /**
   * Renders a conversation to prompt text (special tokens appear as their text, e.g. `<|im_start|>`).
   * @param messages normalised messages, see {@link normalizeMessages}
   * @param options `tools`: OpenAI tool definitions to show the model; `addGenerationPrompt`: end with the
   *   assistant turn header so the model answers; `continueFinalMessage`: end inside the last message, so the
   *   model continues it (Hugging Face's `continue_final_message`: the text is cut right after the last
   *   message's content); `kwargs`: extra template variables (vLLM's `chat_template_kwargs`), which never
   *   replace the ones above
   * @throws GatewayError 400 when the template rejects the conversation (its `raise_exception` message), or
   *   the last message's content cannot be found to continue it
   */
  render(messages: TemplateMessage[], options: RenderOptions): string {
    let text: string;
    try {
      text = this.template.render({
        ...options.kwargs,
        messages,
        ...(options.tools && options.tools.length > 0 ? { tools: options.tools } : {}),
        add_generation_prompt: options.addGenerationPrompt,
        bos_token: this.specialTokens.bos,
        eos_token: this.specialTokens.eos,
      });
    } catch (err) {
      throw new GatewayError(
        400,
        `the model's chat template rejected the messages: ${(err as Error).message}`,
        {
          param: 'messages',
          code: 'chat_template_error',
        },
      );
    }
    if (!options.continueFinalMessage) return text;
    const final = messages.at(-1)?.content ?? '';
    const at = final === '' ? -1 : text.lastIndexOf(final);
    if (at < 0) {
      throw invalidParam(
        'continue_final_message',
        'continue_final_message: the final message has no content the chat template renders',
      );
    }
    return text.slice(0, at + final.length);
  }

  private detectEndOfTurn(): string | undefined {
    try {
      const text = this.template.render({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: TURN_MARK },
        ],
        add_generation_prompt: false,
        bos_token: this.specialTokens.bos,
        eos_token: this.specialTokens.eos,
      });
      const at = text.lastIndexOf(TURN_MARK);
      if (at < 0) return undefined;
      return text.slice(at + TURN_MARK.length).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Validates OpenAI chat messages (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) and shapes them for a template: text parts are joined,
 * `developer` becomes `system`, tool-call arguments strings are parsed to objects when they hold JSON.
 * @throws GatewayError 400 naming the bad field (e.g. `messages[2].content`), also for image/audio/file parts,
 *   which these text-only models cannot read
 */
export function normalizeMessages(value: unknown): TemplateMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParam('messages', "'messages' must be a non-empty array");
  }
  return value.map((raw, i) => {
    const where = `messages[${i}]`;
    if (!raw || typeof raw !== 'object') throw invalidParam(where, `${where} must be an object`);
    const m = raw as Record<string, unknown>;
    if (typeof m.role !== 'string') throw invalidParam(`${where}.role`, `${where}.role must be a string`);
    const out: TemplateMessage = {
      role: m.role === 'developer' ? 'system' : m.role,
      content: flattenContent(m.content, `${where}.content`),
    };
    if (typeof m.name === 'string') out.name = m.name;
    if (typeof m.tool_call_id === 'string') out.tool_call_id = m.tool_call_id;
    if (Array.isArray(m.tool_calls))
      out.tool_calls = m.tool_calls.map((c, j) => toolCall(c, `${where}.tool_calls[${j}]`));
    return out;
  });
}

function flattenContent(content: unknown, param: string): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidParam(param, `${param} must be a string or an array of parts`);
  return content
    .map((part, k) => {
      const p = part as { type?: unknown; text?: unknown; refusal?: unknown } | null;
      if (p?.type === 'text' && typeof p.text === 'string') return p.text;
      if (p?.type === 'refusal' && typeof p.refusal === 'string') return p.refusal;
      throw new GatewayError(400, `${param}[${k}]: only text content parts are supported by this model`, {
        param: `${param}[${k}]`,
        code: 'unsupported_content',
      });
    })
    .join('');
}

function toolCall(raw: unknown, param: string): NonNullable<TemplateMessage['tool_calls']>[number] {
  const c = raw as { id?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
  if (typeof c?.function?.name !== 'string')
    throw invalidParam(`${param}.function.name`, `${param}.function.name must be a string`);
  let args: unknown = c.function.arguments ?? {};
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      // not JSON: the template shows the string as the model wrote it
    }
  }
  return {
    ...(typeof c.id === 'string' ? { id: c.id } : {}),
    type: 'function',
    function: { name: c.function.name, arguments: args },
  };
}
