import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';

/** Upstream pause after every line of the streamed transcript (8 lines), ms. */
const LINE_DELAY_MS = 60;

const completion = {
  id: 'chatcmpl-ov0',
  object: 'chat.completion',
  created: 1_750_000_000,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

/** Value of one sample line of the Prometheus text format, e.g. `name{endpoint="chat.completions"} 1.5`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('the gateway reports its own overhead', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeUpstream({
      'POST /v1/chat/completions': (req) =>
        (req.json as { stream?: boolean }).stream
          ? { fixture: 'overhead/chat-stream.sse', lineDelayMs: LINE_DELAY_MS }
          : { json: completion },
    });
    gateway = await startGatewayProcess({
      server: { log_level: 'warn' },
      providers: { up: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, discover: false } },
      models: [{ id: 'm', deployments: [{ provider: 'up' }] }],
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  /** One JSON and one streamed chat completion; returns the stream's text. */
  async function chatTwice(): Promise<{ json: Response; stream: Response; text: string }> {
    const { data, response: json } = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hi');
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
    return { json, stream: response, text: parts.join('') };
  }

  /** The histogram's count and sum for chat completions (0 before the first request). */
  async function histogram(): Promise<{ count: number; sum: number; inf: number }> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const labels = '{endpoint="chat.completions"}';
    if (!text.includes(`switchyard_overhead_seconds_count${labels}`)) return { count: 0, sum: 0, inf: 0 };
    return {
      count: sample(text, `switchyard_overhead_seconds_count${labels}`),
      sum: sample(text, `switchyard_overhead_seconds_sum${labels}`),
      inf: sample(text, 'switchyard_overhead_seconds_bucket{le="+Inf",endpoint="chat.completions"}'),
    };
  }

  it('sends x-switchyard-overhead-ms in ms with 3 decimals on every routed response', async () => {
    const { json, stream, text } = await chatTwice();
    expect(json.headers.get('x-switchyard-overhead-ms')).toMatch(/^\d+\.\d{3}$/);
    expect(stream.headers.get('x-switchyard-overhead-ms')).toMatch(/^\d+\.\d{3}$/);
    expect(text).toBe('Hello');
  });

  it('exposes a per-endpoint histogram on /metrics that leaves out the time spent waiting upstream', async () => {
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const before = await histogram();
    await chatTwice();
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toContain('# TYPE switchyard_overhead_seconds histogram');
    const after = await histogram();
    expect(after.count - before.count).toBe(2);
    expect(after.inf - before.inf).toBe(2);
    // The stream alone spent 8 × 60 ms waiting on the upstream; none of it may count as overhead.
    expect(after.sum - before.sum).toBeLessThan((8 * LINE_DELAY_MS) / 2 / 1000);
  });
});
