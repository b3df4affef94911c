/**
 * Walking an OpenAI `messages` array (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create) for APIs that keep the system prompt apart and carry
 * tool results inside a user turn (Anthropic API reference, Messages: https://docs.anthropic.com/en/api/messages;
 * Gemini API reference, Generating content: https://ai.google.dev/api/generate-content).
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import { invalidParam } from '../../core/errors.js';
import { contentText } from './chat-request.js';

/** How a provider type turns each kind of message into its own turns. */
export interface TurnMapper<Turn, ToolResult> {
  /** A user message's content; `param` is its request path, e.g. `messages[1].content`. */
  user(content: unknown, param: string): Turn;
  /** An assistant message, or undefined when it leaves nothing to send; `param` e.g. `messages[2]`. */
  assistant(message: ChatCompletionAssistantMessageParam, param: string): Turn | undefined;
  /** One tool message; `param` e.g. `messages[3]`. */
  toolResult(message: ChatCompletionToolMessageParam, param: string): ToolResult;
  /**
   * The turn that carries a run of consecutive tool messages. `results` holds the first result and fills
   * with the rest of the run as they are read, so the turn must keep the array itself.
   */
  toolTurn(results: ToolResult[]): Turn;
}

/**
 * Maps `messages` in order: `system` and `developer` texts are collected apart, other roles go through
 * `mapper`, and each run of consecutive `tool` messages becomes one turn.
 * @returns the system texts in order, and the turns
 * @throws GatewayError 400 naming the path for a system text that is not text, a role other than system,
 *   developer, user, assistant or tool (e.g. the deprecated `function`), and whatever `mapper` throws
 */
export function mapChatTurns<Turn, ToolResult>(
  messages: ChatCompletionMessageParam[],
  mapper: TurnMapper<Turn, ToolResult>,
): { system: string[]; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  let results: ToolResult[] | undefined;
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    if (message.role !== 'tool') results = undefined;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(contentText(message.content, `${param}.content`));
        return;
      case 'user':
        turns.push(mapper.user(message.content, `${param}.content`));
        return;
      case 'assistant': {
        const turn = mapper.assistant(message, param);
        if (turn !== undefined) turns.push(turn);
        return;
      }
      case 'tool': {
        const result = mapper.toolResult(message, param);
        if (results) {
          results.push(result);
        } else {
          results = [result];
          turns.push(mapper.toolTurn(results));
        }
        return;
      }
      default:
        throw invalidParam(`${param}.role`, `role '${message.role}' is not supported; use tool messages`);
    }
  });
  return { system, turns };
}
