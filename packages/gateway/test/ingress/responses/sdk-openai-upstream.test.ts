/**
 * End to end: the unmodified `openai` SDK's Responses API → a real `switchyard serve` process → an
 * OpenAI-compatible upstream that knows only chat completions (the fake upstream replaying the hand-written chat
 * streams of test/fixtures/anthropic-ingress/, one byte at a time). Proves the chat request the upstream receives,
 * reasoning as a summary, parallel tool calls, usage, and a stream that fails midway.
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

// biome-ignore lint/suspicious/noExplicitAny: recorded upstream bodies are read freely
type Any = any;

function chatRoute(req: RecordedRequest): FakeRoute {
  const body = req.json as Any;
  if (body.stream !== true) return { fixture: 'anthropic-ingress/openai-tool-call.json' };
  return { fixture: `anthropic-ingress/openai-${body.model}.sse`, byteByByte: true };
}

let upstream: FakeUpstream;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'POST /v1/chat/completions': chatRoute });
  gateway = await startGatewayProcess({
    server: { log_level: 'silent' },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1`, discover: false } },
    models: ['text', 'reasoning', 'parallel-tools', 'error-mid-stream'].map((id) => ({
      id: `m-${id}`,
      max_retries: 0,
      deployments: [{ provider: 'up', model: id }],
    })),
    store: { url: 'sqlite::memory:' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('responses over a chat-only OpenAI-compatible upstream', () => {
  it('sends the upstream a chat request: instructions first, namespace flattened, hosted tools left out, usage asked', async () => {
    const stream = client.responses.stream({
      model: 'm-text',
      instructions: 'Be kind.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      tools: [
        { type: 'web_search' },
        {
          type: 'namespace',
          name: 'crm',
          description: 'CRM',
          tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
        },
      ] as unknown as OpenAI.Responses.Tool[],
      parallel_tool_calls: false,
      temperature: 0.5,
      max_output_tokens: 50,
      reasoning: { effort: 'low' },
      store: false,
    });
    const final = await stream.finalResponse();
    expect(final.output_text.length).toBeGreaterThan(0);
    const sent = upstream.requests.at(-1)!.json as Any;
    expect(sent).toEqual({
      model: 'text',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      tools: [{ type: 'function', function: { name: 'crm__lookup', parameters: { type: 'object' } } }],
      parallel_tool_calls: false,
      temperature: 0.5,
      max_completion_tokens: 50,
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('gives the provider’s reasoning as a reasoning item with summary events before the message', async () => {
    const stream = client.responses.stream({ model: 'm-reasoning', input: 'Hello', store: false });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types.filter((t, i) => t !== types[i - 1]).slice(0, 8)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ]);
    const reasoning = final.output[0]!;
    if (reasoning.type !== 'reasoning') throw new Error('expected a reasoning item first');
    expect(reasoning.summary[0]!.text).toBe('The user wants a greeting.');
    expect(final.output[1]!.type).toBe('message');
  });

  it('returns parallel tool calls as separate function_call items with their own arguments', async () => {
    const final = await client.responses
      .stream({ model: 'm-parallel-tools', input: 'Oslo and Bergen?', store: false })
      .finalResponse();
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.type === 'function_call' && c.call_id)).toEqual(['call_oslo1', 'call_bergen2']);
    for (const call of calls)
      if (call.type === 'function_call') expect(() => JSON.parse(call.arguments)).not.toThrow();
    expect(final.output[0]!.type).toBe('message');
  });

  it('ends a stream that fails midway with response.failed and an error event', async () => {
    const res = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm-error-mid-stream', input: 'Hi', stream: true, store: false }),
    });
    expect(res.status).toBe(200);
    const events = (await res.text())
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: '))
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
    const types = events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['response.failed', 'error']);
    const failed = events.at(-2);
    expect(failed.response.status).toBe('failed');
    expect(failed.response.error.message).toContain('CUDA out of memory');
    expect(failed.response.output[0].content[0].text).toBe('Partial');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const sdkError = await client.responses
      .stream({ model: 'm-error-mid-stream', input: 'Hi', store: false })
      .finalResponse()
      .catch((e: unknown) => e);
    // The SDK's ResponseStream rejects finalResponse() with the `error` event itself.
    expect(sdkError).toMatchObject({ type: 'error', message: expect.stringContaining('CUDA out of memory') });
  });
});
