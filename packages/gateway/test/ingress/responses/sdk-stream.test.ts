/**
 * End to end: `responses.stream` of the unmodified `openai` SDK against a gateway process on the embedded engine:
 * the full semantic event sequence, in order, with `sequence_number` 0, 1, 2, …, and `finalResponse()`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
    store: { url: 'sqlite:responses.db' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

/** Consecutive events of the same type collapsed into one, for comparing sequences. */
function collapsed(types: readonly string[]): string[] {
  return types.filter((type, i) => type !== types[i - 1]);
}

describe('responses.stream over chat completions', () => {
  it('sends every event of a text answer in order and finalResponse() matches the deltas', async () => {
    const stream = client.responses.stream({ model: QWEN, input: 'Tell me a story.', max_output_tokens: 8 });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();

    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(collapsed(events.map((e) => e.type))).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.find((e) => e.type === 'response.output_text.done');
    expect(done?.type === 'response.output_text.done' && done.text).toBe(deltas.join(''));
    expect(final.output_text).toBe(deltas.join(''));
    expect(final.status).toBe('incomplete');
    expect(final.usage?.output_tokens).toBe(8);
    const created = events[0]!;
    expect(created.type === 'response.created' && created.response.status).toBe('in_progress');
    expect(created.type === 'response.created' && created.response.id).toBe(final.id);
  });

  it('streams a forced function call as arguments deltas and a completed function_call item', async () => {
    const stream = client.responses.stream({
      model: QWEN,
      input: 'Weather in Oslo?',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          strict: true,
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', maxLength: 10 } },
            required: ['city'],
            additionalProperties: false,
          },
        },
      ],
      tool_choice: 'required',
      max_output_tokens: 120,
      store: false,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(collapsed(types)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const call = final.output[0]!;
    if (call.type !== 'function_call') throw new Error('expected a function_call');
    expect(call.status).toBe('completed');
    expect(typeof JSON.parse(call.arguments).city).toBe('string');
  });
});
