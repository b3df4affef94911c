/**
 * End to end: the official `openai` SDK → a real `switchyard serve` process → `type: ollama` → the fake Ollama
 * server replaying fixture transcripts (test/fixtures/ollama/, origins in its SOURCES.md), one byte at a time for streams.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: fixture upstream bodies are read freely
type Any = any;

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';
const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

/** Upstream model name → how the fake Ollama answers `/api/chat` (stream or not). */
function chatRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  const ext = body.stream ? 'ndjson' : 'json';
  switch (body.model) {
    case 'llama9':
      return { status: 404, fixture: 'ollama/model-not-found.json' };
    case 'qwen3-tools': {
      const answered = body.messages.at(-1).role === 'tool';
      return {
        fixture: answered ? `ollama/chat-text.${ext}` : `ollama/chat-parallel-tools.${ext}`,
        byteByByte: true,
      };
    }
    case 'qwen3':
      return { fixture: `ollama/chat-thinking.${ext}`, byteByByte: true };
    case 'broken':
      return { fixture: 'ollama/chat-error-midstream.ndjson', byteByByte: true };
    case 'structured':
      return {
        json: {
          model: 'structured',
          created_at: '2025-07-07T20:22:19.3Z',
          message: { role: 'assistant', content: '{"city":"Oslo"}' },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: 30,
          eval_count: 7,
        },
      };
    default:
      return { fixture: `ollama/chat-text.${ext}`, byteByByte: true };
  }
}

let fake: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

function chatBodies(model: string): Any[] {
  return fake.requests
    .filter((r) => r.url === '/api/chat' && (r.json as Any).model === model)
    .map((r) => r.json);
}

beforeAll(async () => {
  fake = await startFakeUpstream({
    'GET /api/tags': { fixture: 'ollama/tags.json' },
    'POST /api/show': (req) => ({
      fixture:
        (req.json as Any).model === 'all-minilm:latest'
          ? 'ollama/show-all-minilm.json'
          : 'ollama/show-llama3.2.json',
    }),
    'POST /api/chat': chatRoute,
    'POST /api/generate': (req) =>
      (req.json as Any).stream
        ? { fixture: 'ollama/generate-text.ndjson', byteByByte: true }
        : { fixture: 'ollama/generate-text.json' },
    'POST /api/embed': { fixture: 'ollama/embed.json' },
  });
  const deploy = (id: string, model: string, extra: Record<string, unknown> = {}) => ({
    id,
    deployments: [{ provider: 'ollama', model }],
    ...extra,
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'warn' },
    providers: { ollama: { type: 'ollama', base_url: fake.url } },
    models: [
      deploy('chat', 'llama3.2', { params: { options: { num_ctx: 4096 }, keep_alive: '10m' } }),
      deploy('tools', 'qwen3-tools'),
      deploy('thinker', 'qwen3'),
      deploy('broken', 'broken'),
      deploy('structured', 'structured'),
      deploy('missing', 'llama9'),
      deploy('lenient', 'llama3.2', { drop_unsupported_params: true }),
      deploy('embedder', 'all-minilm'),
    ],
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.close();
});

describe('openai SDK → switchyard → type: ollama', () => {
  it('lists configured and discovered models with their capabilities', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m as Any);
    const byId = new Map(models.map((m) => [m.id, m]));
    expect(byId.get('chat')).toMatchObject({ object: 'model', owned_by: 'ollama' });
    expect(byId.get('llama3.2:latest')).toMatchObject({
      capabilities: ['chat', 'completion'],
      max_model_len: 131072,
    });
    expect(byId.get('all-minilm:latest')).toMatchObject({ capabilities: ['embedding'], max_model_len: 512 });
  });

  it('chat: answers a chat completion and applies the model params from config', async () => {
    const res = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Sky colour?' }],
      max_completion_tokens: 20,
      temperature: 0.5,
    });
    expect(res.choices[0]!.message.content).toBe('The sky is blue — ☀️.');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 });
    expect(chatBodies('llama3.2').at(-1)).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Sky colour?' }],
      stream: false,
      keep_alive: '10m',
      options: { num_ctx: 4096, num_predict: 20, temperature: 0.5 },
    });
  });

  it('stream with usage: text deltas in order, then a usage chunk, then [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Sky colour?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices.length > 0) {
        text += chunk.choices[0]!.delta.content ?? '';
        finishes.push(chunk.choices[0]!.finish_reason);
      } else usage = chunk.usage;
    }
    expect(text).toBe('The sky is blue — ☀️.');
    expect(finishes.at(-1)).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 26, completion_tokens: 6, total_tokens: 32 });

    const raw = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'chat',
        messages: [{ role: 'user', content: 'Sky colour?' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await raw.text()).split('\n\n').filter((e) => e !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events.at(-2)!.slice('data: '.length))).toMatchObject({
      choices: [],
      usage: { total_tokens: 32 },
    });
  });

  it('tool round trip: two parallel calls streamed by index, then the results sent back as Ollama tool messages', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: CITY_SCHEMA,
          strict: true,
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Tokyo and Paris?' },
    ];
    const runner = client.chat.completions.stream({ model: 'tools', messages, tools });
    const first = await runner.finalChatCompletion();
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['call_k3x9a0qz', 'get_weather', { city: 'Tokyo' }],
      ['call_p2m7c4rt', 'get_weather', { city: 'Paris', unit: 'celsius' }],
    ]);

    messages.push(choice.message as OpenAI.ChatCompletionAssistantMessageParam);
    messages.push({ role: 'tool', tool_call_id: 'call_k3x9a0qz', content: '11 degrees' });
    messages.push({ role: 'tool', tool_call_id: 'call_p2m7c4rt', content: '18 degrees' });
    const second = await client.chat.completions.create({ model: 'tools', messages, tools });
    expect(second.choices[0]!.message.content).toBe('The sky is blue — ☀️.');

    const sent = chatBodies('qwen3-tools').at(-1);
    expect(sent.tools).toEqual(tools);
    expect(sent.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_k3x9a0qz', function: { name: 'get_weather', arguments: { city: 'Tokyo' } } },
          {
            id: 'call_p2m7c4rt',
            function: { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
          },
        ],
      },
      { role: 'tool', content: '11 degrees', tool_call_id: 'call_k3x9a0qz', tool_name: 'get_weather' },
      { role: 'tool', content: '18 degrees', tool_call_id: 'call_p2m7c4rt', tool_name: 'get_weather' },
    ]);
  });

  it('images: a data-URL image part reaches Ollama as bare base64 in images', async () => {
    await client.chat.completions.create({
      model: 'chat',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect(chatBodies('llama3.2').at(-1).messages).toEqual([
      { role: 'user', content: 'What is in this image?', images: [PNG] },
    ]);
  });

  it('json_schema: response_format becomes Ollama format with the schema', async () => {
    const res = await client.chat.completions.create({
      model: 'structured',
      messages: [{ role: 'user', content: 'Capital of Norway as JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', schema: CITY_SCHEMA, strict: true },
      },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ city: 'Oslo' });
    expect(chatBodies('structured').at(-1).format).toEqual(CITY_SCHEMA);
  });

  it('thinking: reasoning_content is streamed separately from content', async () => {
    const stream = await client.chat.completions.create({
      model: 'thinker',
      messages: [{ role: 'user', content: '2+2?' }],
      stream: true,
      reasoning_effort: 'low',
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as Any;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect([reasoning, content]).toEqual(['User wants 2+2.', '4']);
    expect(chatBodies('qwen3').at(-1).think).toBe('low');
  });

  it('completions: a raw prompt goes to /api/generate, streamed and not', async () => {
    const res = await client.completions.create({ model: 'chat', prompt: 'Why is the sky', max_tokens: 8 });
    expect(res.choices[0]).toMatchObject({ text: 'The sky', finish_reason: 'stop' });
    const stream = await client.completions.create({ model: 'chat', prompt: 'Why is the sky', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('The sky');
    const generate = fake.requests.filter((r) => r.url === '/api/generate').map((r) => r.json as Any);
    expect(generate[0]).toEqual({
      model: 'llama3.2',
      prompt: 'Why is the sky',
      stream: false,
      raw: true,
      keep_alive: '10m',
      options: { num_ctx: 4096, num_predict: 8 },
    });
  });

  it('embeddings: the SDK default (base64) and explicit float both decode to the vectors', async () => {
    const viaBase64 = await client.embeddings.create({ model: 'embedder', input: ['a', 'b'] });
    expect(viaBase64.data[1]!.embedding).toEqual([1, -2, 0.5]);
    expect(viaBase64.data[0]!.embedding.map((v) => Number(v.toFixed(4)))).toEqual([0.0101, -0.0018, 0.0501]);
    const floats = await client.embeddings.create({
      model: 'embedder',
      input: 'a',
      encoding_format: 'float',
    });
    expect(floats.data[0]!.embedding).toEqual([0.0101, -0.0018, 0.0501]);
    expect(floats.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });

  it('errors: a model missing upstream is a 404 NotFoundError with code model_not_found', async () => {
    const err = await client.chat.completions
      .create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((err as Error).message).toMatch(/llama9.*not found/);
  });

  it('errors: an error line mid-stream reaches the SDK as an APIError after the earlier text', async () => {
    const stream = await client.chat.completions.create({
      model: 'broken',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Partial');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/unexpected EOF/);
  });

  it('errors: an unsupported parameter is a 400 naming it, or dropped and reported when the model allows it', async () => {
    const err = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'x' }], n: 2 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');

    const { response } = await client.chat.completions
      .create({ model: 'lenient', messages: [{ role: 'user', content: 'x' }], n: 2, tool_choice: 'required' })
      .withResponse();
    expect(response.headers.get('x-switchyard-dropped-params')).toBe('n, tool_choice');
  });
});
