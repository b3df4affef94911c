import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import { mapChatTurns, type TurnMapper } from '../../../src/protocols/openai/chat-turns.js';

type Turn = { role: string; items: string[] };

/** A mapper that records what it was given, so the walk's order and grouping are visible. */
const mapper: TurnMapper<Turn, string> = {
  user: (content, param) => ({ role: 'user', items: [`${param}=${String(content)}`] }),
  assistant: (message, param) =>
    message.content ? { role: 'assistant', items: [`${param}=${String(message.content)}`] } : undefined,
  toolResult: (message, param) => `${param}:${message.tool_call_id}`,
  toolTurn: (items) => ({ role: 'results', items }),
};

// OpenAI API reference, Create chat completion: https://platform.openai.com/docs/api-reference/chat/create
describe('mapChatTurns', () => {
  it('collects system and developer texts apart, drops empty assistant turns, groups each run of tool messages', () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [] },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '2' },
      { role: 'developer', content: [{ type: 'text', text: 'Use °C.' }] },
      { role: 'assistant', content: 'Done.' },
      { role: 'tool', tool_call_id: 'c', content: '3' },
    ];
    expect(mapChatTurns(messages, mapper)).toEqual({
      system: ['Be terse.', 'Use °C.'],
      turns: [
        { role: 'user', items: ['messages[1].content=Weather?'] },
        { role: 'results', items: ['messages[3]:a', 'messages[4]:b'] },
        { role: 'assistant', items: ['messages[6]=Done.'] },
        { role: 'results', items: ['messages[7]:c'] },
      ],
    });
  });

  it('a role other than system, developer, user, assistant or tool is a 400 naming its path', () => {
    const messages = [{ role: 'function', name: 'f', content: 'x' }] as ChatCompletionMessageParam[];
    let error: unknown;
    try {
      mapChatTurns(messages, mapper);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).param).toBe('messages[0].role');
  });
});
