/**
 * Tool calls parsed from the model's own syntax under `tool_choice: "auto"`, end to end with the `openai` SDK
 * against a real gateway process on the shared model whose GGUF carries Qwen2.5's chat template (Hermes-style
 * `<tool_call>` markers). The tiny model never calls tools by itself (shared/models/MODELS.md), so the test
 * makes it write the template's markers with vLLM's `guided_regex`, and checks what the parser makes of
 * them; the same text from a model with no known tool-call syntax stays text.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, MODELS_DIR, startGatewayProcess } from './support/gateway-process.js';

const QWEN = 'stories260K-qwen2.5-chat-template';
const PLAIN = 'stories260K';

let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: { local: { type: 'embedded', models_dir: MODELS_DIR, parallel: 2 } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
});

const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const CALL =
  '<tool_call>\\n\\{"name": "get_weather", "arguments": \\{"city": "(Paris|Rome)"\\}\\}\\n</tool_call>';
const request = (model: string, calls: number, extra: Record<string, unknown> = {}) =>
  ({
    model,
    messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
    tools,
    tool_choice: 'auto',
    temperature: 1,
    seed: 3,
    max_tokens: 400,
    guided_regex: `Checking\\.\\n${Array.from({ length: calls }, () => CALL).join('\\n')}`,
    ...extra,
  }) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

type FunctionCall = OpenAI.ChatCompletionMessageFunctionToolCall;

describe('tool_choice auto on a model with Hermes-style markers', () => {
  it('returns the calls the model wrote as tool_calls, the text before them as content', async () => {
    const res = await client.chat.completions.create(request(QWEN, 2));
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking.');
    const calls = choice.message.tool_calls as FunctionCall[];
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.function.name).toBe('get_weather');
      expect(['Paris', 'Rome']).toContain((JSON.parse(call.function.arguments) as { city: string }).city);
    }
    expect(calls[0]!.id).not.toBe(calls[1]!.id);
  });

  it('keeps only the first call with parallel_tool_calls false', async () => {
    const res = await client.chat.completions.create(request(QWEN, 2, { parallel_tool_calls: false }));
    expect(res.choices[0]!.message.tool_calls).toHaveLength(1);
  });

  it('streams incremental tool_calls deltas with stable index and id that add up to the same calls', async () => {
    const whole = await client.chat.completions.create(request(QWEN, 2));
    const stream = await client.chat.completions.create({
      ...request(QWEN, 2),
      stream: true,
    } as unknown as OpenAI.ChatCompletionCreateParamsStreaming);
    let content = '';
    let finish: string | null = null;
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(content.trim()).toBe('Checking.');
    const calls = whole.choices[0]!.message.tool_calls as FunctionCall[];
    for (const [index, call] of calls.entries()) {
      const own = deltas.filter((d) => d.index === index);
      expect(own[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      expect(own[0]!.id).toMatch(/^call_/);
      expect(own.slice(1).every((d) => d.id === undefined)).toBe(true);
      expect(own.length).toBeGreaterThan(2);
      expect(own.map((d) => d.function?.arguments ?? '').join('')).toBe(call.function.arguments);
    }
  });

  it('leaves the same text as content on a model whose template has no known tool-call syntax', async () => {
    const res = await client.chat.completions.create(request(PLAIN, 1));
    const choice = res.choices[0]!;
    expect(choice.message.tool_calls ?? []).toHaveLength(0);
    expect(choice.message.content).toContain('<tool_call>');
    expect(choice.finish_reason).toBe('stop');
  });
});
