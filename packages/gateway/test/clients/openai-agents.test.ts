/**
 * End to end: the OpenAI Agents SDK (`@openai/agents`, its default Responses API model) runs an agent with one
 * function tool to completion against a real gateway process on the embedded engine. The first turn forces the
 * tool (`toolChoice: 'required'`, which the engine's grammar enforces); the SDK runs the tool, sends its output
 * back as a `function_call_output` item, resets the tool choice (its default `resetToolChoice`) and the model's
 * answer, held to the agent's `outputType` by the engine's JSON-schema grammar so that it ends within the token
 * budget (a free-text answer of these story models would run to the limit, which the SDK treats as a failed
 * `incomplete` response), ends the run. The SDK brings its own `openai` client (7.x).
 */
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from '../support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';

let gateway: GatewayProcess;

beforeAll(async () => {
  setTracingDisabled(true);
  gateway = await startGatewayProcess({
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR } },
    store: { url: 'sqlite:agents.db' },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('@openai/agents through the gateway', () => {
  it('runs an agent that calls its one function tool and then answers', async () => {
    const calls: string[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: z.object({ city: z.enum(['Oslo', 'Bergen']) }),
      execute: async ({ city }) => {
        calls.push(city);
        return `It is 3°C in ${city}.`;
      },
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({
        baseURL: `${gateway.url}/v1`,
        apiKey: 'unused',
        useResponses: true,
      }),
    });
    const agent = new Agent({
      name: 'Weather agent',
      instructions: 'Answer with the weather.',
      model: QWEN,
      modelSettings: { toolChoice: 'required', maxTokens: 60 },
      tools: [getWeather],
      outputType: z.object({ weather: z.enum(['cold', 'warm']) }),
    });
    const result = await runner.run(agent, 'What is the weather in Oslo?', { maxTurns: 4 });
    expect(calls).toHaveLength(1);
    expect(['Oslo', 'Bergen']).toContain(calls[0]);
    expect(['cold', 'warm']).toContain(result.finalOutput?.weather);
    const items = result.newItems.map((item) => item.type);
    expect(items).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
  });
});
