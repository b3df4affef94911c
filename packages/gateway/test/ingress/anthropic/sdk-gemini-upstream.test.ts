/**
 * End to end: the unmodified `@anthropic-ai/sdk` → a real `switchyard serve` process → `/v1/messages` → a
 * `gemini` provider → the fake Gemini API replaying test/fixtures/gemini/ (hand-written from the Gemini API
 * reference, see its SOURCES.md; streams one byte at a time). Text, thinking, parallel function calls (which
 * Gemini ends with `finishReason: STOP`) as `tool_use` blocks with `stop_reason: tool_use`, a tool-result round
 * trip that gives Gemini back its thought signature, every stop reason Gemini reports, usage, a mid-stream
 * error and the error statuses, all in Anthropic's shapes.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeRoute,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from '../../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

const LOOKUP: Anthropic.Tool = {
  name: 'lookup_city',
  description: 'Facts about a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** The scenario named by the last user turn's text (`scenario:<name>`), else `text`. */
function scenarioOf(req: RecordedRequest): string {
  const contents = (req.json as Any).contents as Any[];
  const text = JSON.stringify(contents.at(-1));
  return /scenario:([a-z-]+)/.exec(text)?.[1] ?? 'text';
}

/** Scenario → the fake Gemini's answer to `streamGenerateContent` and `generateContent`. */
const SCENARIOS: Record<string, [FakeRoute, FakeRoute]> = {
  text: [{ fixture: 'gemini/text.sse' }, { fixture: 'gemini/text.json' }],
  thinking: [{ fixture: 'gemini/thinking.sse' }, { fixture: 'gemini/text.json' }],
  tools: [{ fixture: 'gemini/parallel-tools.sse' }, { fixture: 'gemini/text.json' }],
  'no-args': [{ fixture: 'gemini/tool-empty-args.sse' }, { fixture: 'gemini/text.json' }],
  length: [{ fixture: 'gemini/max-tokens.sse' }, { fixture: 'gemini/text.json' }],
  safety: [{ fixture: 'gemini/safety.sse' }, { fixture: 'gemini/text.json' }],
  broken: [{ fixture: 'gemini/error-mid-stream.sse' }, { fixture: 'gemini/text.json' }],
  'bad-key': [
    { status: 400, fixture: 'gemini/error-api-key.json' },
    { status: 400, fixture: 'gemini/error-api-key.json' },
  ],
  missing: [
    { status: 404, fixture: 'gemini/error-not-found.json' },
    { status: 404, fixture: 'gemini/error-not-found.json' },
  ],
  quota: [
    { status: 429, fixture: 'gemini/error-quota.json' },
    { status: 429, fixture: 'gemini/error-quota.json' },
  ],
};

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: Anthropic;

beforeAll(async () => {
  const route = (which: 0 | 1) => (req: RecordedRequest) => {
    const answer = SCENARIOS[scenarioOf(req)]![which];
    return 'status' in answer ? answer : { ...answer, byteByByte: which === 0 };
  };
  upstream = await startFakeUpstream({
    'POST /v1beta/models/gemini-2.5-flash:streamGenerateContent': route(0),
    'POST /v1beta/models/gemini-2.5-flash:generateContent': route(1),
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { google: { type: 'gemini', base_url: `${upstream.url}/v1beta`, api_key: 'AIza-secret' } },
    models: [
      {
        id: 'flash',
        cooldown: 0,
        max_retries: 0,
        deployments: [{ provider: 'google', model: 'gemini-2.5-flash' }],
      },
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function lastGemini(): Any {
  return upstream.requests.at(-1)!.json;
}

function ask(scenario: string): Anthropic.MessageParam[] {
  return [{ role: 'user', content: `scenario:${scenario}` }];
}

async function streamEvents(params: Omit<Anthropic.MessageCreateParamsStreaming, 'model' | 'stream'>) {
  const stream = client.messages.stream({ model: 'flash', ...params });
  const events: Anthropic.MessageStreamEvent[] = [];
  stream.on('streamEvent', (e) => events.push(e));
  const final = await stream.finalMessage();
  return { events, final };
}

describe('text', () => {
  it('messages.create answers a Message with end_turn and Gemini usage', async () => {
    const message = await client.messages.create({
      model: 'flash',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: ask('text'),
    });
    expect(message.model).toBe('flash');
    expect(message.content).toEqual([{ type: 'text', text: 'It is 14°C in Oslo.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBe(31);
    expect(message.usage.output_tokens).toBeGreaterThanOrEqual(9);
    const sent = lastGemini();
    expect(sent.systemInstruction.parts).toEqual([{ text: 'Be brief.' }]);
    expect(sent.generationConfig.maxOutputTokens).toBe(100);
  });

  it('messages.stream gives the text, input tokens in message_start and output tokens in message_delta', async () => {
    const { events, final } = await streamEvents({ max_tokens: 100, messages: ask('text') });
    expect(final.content).toEqual([{ type: 'text', text: 'It is 14°C in Oslo.' }]);
    expect(final.stop_reason).toBe('end_turn');
    const delta = events.find((e) => e.type === 'message_delta') as Anthropic.RawMessageDeltaEvent;
    expect(delta.usage.output_tokens).toBe(9);
    expect(delta.usage.input_tokens).toBe(31);
    expect(events.at(-1)!.type).toBe('message_stop');
  });

  it('streams thought parts as a thinking block before the text', async () => {
    const { events, final } = await streamEvents({ max_tokens: 100, messages: ask('thinking') });
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect((final.content[0] as Anthropic.ThinkingBlock).thinking).toBe('The user wants 2+2, which is 4.');
    expect((final.content[1] as Anthropic.TextBlock).text).toBe('4');
    const starts = events.filter(
      (e) => e.type === 'content_block_start',
    ) as Anthropic.RawContentBlockStartEvent[];
    expect(starts.map((e) => e.index)).toEqual([0, 1]);
  });

  it('MAX_TOKENS → max_tokens', async () => {
    const { final } = await streamEvents({ max_tokens: 2, messages: ask('length') });
    expect(final.content).toEqual([{ type: 'text', text: 'It is' }]);
    expect(final.stop_reason).toBe('max_tokens');
    expect(final.usage.output_tokens).toBe(2);
  });

  it('SAFETY → refusal, the text before it kept', async () => {
    const { final } = await streamEvents({ max_tokens: 100, messages: ask('safety') });
    expect(final.content).toEqual([{ type: 'text', text: 'Here is how' }]);
    expect(final.stop_reason).toBe('refusal');
  });
});

describe('tool use', () => {
  it('parallel function calls ended by STOP become tool_use blocks in index order, stop_reason tool_use', async () => {
    const { events, final } = await streamEvents({
      max_tokens: 100,
      tools: [LOOKUP],
      messages: ask('tools'),
    });
    expect(final.stop_reason).toBe('tool_use');
    const calls = final.content as Anthropic.ToolUseBlock[];
    expect(calls.map((c) => [c.type, c.name, c.input])).toEqual([
      ['tool_use', 'lookup_city', { city: 'Oslo' }],
      ['tool_use', 'lookup_city', { city: 'Rome' }],
    ]);
    for (const call of calls) expect(call.id).toMatch(/^toolu_/);
    const starts = events.filter(
      (e) => e.type === 'content_block_start',
    ) as Anthropic.RawContentBlockStartEvent[];
    expect(starts.map((e) => e.index)).toEqual([0, 1]);
    const deltas = events.filter(
      (e) => e.type === 'content_block_delta',
    ) as Anthropic.RawContentBlockDeltaEvent[];
    expect(deltas.every((d) => d.delta.type === 'input_json_delta')).toBe(true);
    const sent = lastGemini();
    expect(sent.tools[0].functionDeclarations[0].name).toBe('lookup_city');
    expect(sent.tools[0].functionDeclarations[0].parametersJsonSchema).toEqual(LOOKUP.input_schema);
  });

  it('a tool that takes no input gets a tool_use block with input {}', async () => {
    const { final } = await streamEvents({
      max_tokens: 100,
      tools: [{ name: 'current_time', input_schema: { type: 'object', properties: {} } }],
      messages: ask('no-args'),
    });
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toMatchObject([{ type: 'tool_use', name: 'current_time', input: {} }]);
  });

  it('tool_choice any → functionCallingConfig ANY; the tool_result round trip gives back the thought signature', async () => {
    const question = ask('tools')[0]!;
    const { final } = await streamEvents({
      max_tokens: 100,
      tools: [LOOKUP],
      tool_choice: { type: 'any' },
      messages: [question],
    });
    expect(lastGemini().toolConfig.functionCallingConfig.mode).toBe('ANY');
    const calls = final.content as Anthropic.ToolUseBlock[];
    const answer = await client.messages.create({
      model: 'flash',
      max_tokens: 100,
      tools: [LOOKUP],
      messages: [
        question,
        { role: 'assistant', content: final.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: calls[0]!.id, content: 'capital of Norway' },
            { type: 'tool_result', tool_use_id: calls[1]!.id, content: 'no data', is_error: true },
          ],
        },
      ],
    });
    expect(answer.stop_reason).toBe('end_turn');
    const sent = lastGemini();
    const model = sent.contents.find((c: Any) => c.role === 'model');
    expect(model.parts.map((p: Any) => p.functionCall.name)).toEqual(['lookup_city', 'lookup_city']);
    expect(model.parts[0].thoughtSignature).toBe('EpYBCpMBAcu98PA1');
    const responses = sent.contents.at(-1).parts.map((p: Any) => p.functionResponse);
    expect(responses.map((r: Any) => r.name)).toEqual(['lookup_city', 'lookup_city']);
    expect(JSON.stringify(responses[0].response)).toContain('capital of Norway');
  });
});

describe('errors', () => {
  it('ends a stream that fails after it began with event: error in Anthropic shape, which the SDK raises', async () => {
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' },
      body: JSON.stringify({ model: 'flash', max_tokens: 10, stream: true, messages: ask('broken') }),
    });
    expect(res.status).toBe(200);
    const frames = (await res.text()).split('\n\n').filter((f) => f.trim() !== '');
    const last = frames.at(-1)!;
    expect(last).toMatch(/^event: error\n/);
    const error = JSON.parse(/^data: (.+)$/m.exec(last)![1]!);
    expect(error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(error.error.message).toContain('overloaded');
    expect(frames.some((f) => f.includes('"text":"It is"'))).toBe(true);

    const stream = client.messages.stream({ model: 'flash', max_tokens: 10, messages: ask('broken') });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
  });

  const expected: Record<string, [number, string]> = {
    'bad-key': [401, 'authentication_error'],
    missing: [404, 'not_found_error'],
    quota: [429, 'rate_limit_error'],
  };
  for (const [scenario, [status, type]] of Object.entries(expected)) {
    it(`Gemini ${scenario} → ${status} ${type}, streamed or not`, async () => {
      for (const stream of [false, true]) {
        const err = await client.messages
          .create({
            model: 'flash',
            max_tokens: 5,
            stream,
            messages: ask(scenario),
          } as Anthropic.MessageCreateParams)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Anthropic.APIError);
        expect((err as Any).status).toBe(status);
        expect((err as Any).error).toMatchObject({ type: 'error', error: { type } });
        expect(JSON.stringify((err as Any).error)).not.toContain('AIza-secret');
      }
    });
  }
});
