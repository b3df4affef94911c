/**
 * Traces end to end: a real gateway process exporting over OTLP/HTTP (JSON) to a receiver in this test
 * process, the `openai` SDK sending a W3C `traceparent`, and a fake upstream recording what reaches it.
 * OTLP/HTTP JSON shapes: OpenTelemetry, "OTLP Specification", OTLP/HTTP and the JSON protobuf encoding.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { FaultScript, OK } from '../support/fault-script.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { until } from '../support/until.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  arrayValue?: { values: OtlpValue[] };
}
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes: { key: string; value: OtlpValue }[];
  resource: Record<string, unknown>;
}

/** OTLP SpanKind values. */
const SERVER = 2;
const CLIENT = 3;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

const spans: ReceivedSpan[] = [];
let receiver: Server;
let receiverUrl: string;
const script = new FaultScript();
let upstream: FakeUpstream;

function attrs(span: ReceivedSpan): Record<string, unknown> {
  const plain = (v: OtlpValue): unknown =>
    v.arrayValue
      ? v.arrayValue.values.map(plain)
      : v.intValue !== undefined
        ? Number(v.intValue)
        : v.stringValue;
  return Object.fromEntries(span.attributes.map((a) => [a.key, plain(a.value)]));
}

/** Hex ids: the JSON encoding sends trace and span ids as hex strings. */
function spansOfTrace(traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId);
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      expect(req.url).toBe('/v1/traces');
      expect(req.headers['content-type']).toContain('application/json');
      const body = JSON.parse(Buffer.concat(parts).toString()) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: OtlpValue }[] };
          scopeSpans: { spans: Omit<ReceivedSpan, 'resource'>[] }[];
        }[];
      };
      for (const rs of body.resourceSpans) {
        const resource = Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue]));
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, resource });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  upstream = await startFakeUpstream({ 'POST /v1/chat/completions': script.handler });
  script.set('ok', OK);
  script.set('flaky', { status: 503, json: { error: { message: 'busy', type: 'server_error' } } }, OK);
});

afterAll(async () => {
  await upstream?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const models = [
  { id: 'ok', deployments: [{ provider: 'up' }] },
  { id: 'flaky', deployments: [{ provider: 'up' }], max_retries: 2 },
];
const providers = { up: { type: 'openai-compatible', base_url: '', discover: false } };

describe('traces configured by OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayProcess(
      {
        server: { log_level: 'warn' },
        providers: { up: { ...providers.up, base_url: `${upstream.url}/v1` } },
        models,
      },
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'switchyard-under-test' },
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('continues the client traceparent: a request span, an attempt span under it, its context upstream', async () => {
    const before = upstream.requests.length;
    await client.chat.completions.create(
      { model: 'ok', messages: [{ role: 'user', content: 'a secret prompt' }], max_tokens: 7 },
      { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } },
    );
    await until(() => spansOfTrace(TRACE_ID).length === 2, 'two spans of the trace', 10_000);
    const request = spansOfTrace(TRACE_ID).find((s) => s.kind === SERVER)!;
    const attempt = spansOfTrace(TRACE_ID).find((s) => s.kind === CLIENT)!;
    expect(request.parentSpanId).toBe(CLIENT_SPAN);
    expect(attempt.parentSpanId).toBe(request.spanId);
    expect(request.name).toBe('chat ok');
    expect(request.resource['service.name']).toBe('switchyard-under-test');
    expect(attrs(request)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.request.model': 'ok',
      'gen_ai.response.model': 'ok',
      'gen_ai.request.max_tokens': 7,
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(attrs(attempt)).toMatchObject({
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.usage.output_tokens': 2,
    });
    expect(upstream.requests[before]!.headers.traceparent).toBe(`00-${TRACE_ID}-${attempt.spanId}-01`);
    expect(JSON.stringify(spans)).not.toContain('a secret prompt');
  });

  it('starts a new trace without a traceparent, with one span per attempt of a retried request', async () => {
    const before = upstream.requests.length;
    const stream = await client.chat.completions.create({
      model: 'flaky',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of stream);
    const sent = upstream.requests.slice(before).map((r) => r.headers.traceparent as string);
    expect(sent).toHaveLength(2);
    const traceId = sent[0]!.split('-')[1]!;
    expect(sent[1]!.split('-')[1]).toBe(traceId);
    await until(() => spansOfTrace(traceId).length === 3, 'three spans of the retried request', 10_000);
    const request = spansOfTrace(traceId).find((s) => s.kind === SERVER)!;
    expect(request.parentSpanId ?? '').toBe('');
    const attempts = spansOfTrace(traceId).filter((s) => s.kind === CLIENT);
    expect(attempts.map((s) => s.parentSpanId)).toEqual([request.spanId, request.spanId]);
    expect(attempts.map((s) => attrs(s)['error.type'])).toEqual(expect.arrayContaining([undefined, '503']));
    expect(sent.map((t) => t.split('-')[2]).sort()).toEqual(attempts.map((s) => s.spanId).sort());
    expect(attrs(request)['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });
});

describe('traces configured by telemetry.otlp with record_content', () => {
  it('records the prompt and the answer on the request span', async () => {
    const gateway = await startGatewayProcess({
      server: { log_level: 'warn' },
      telemetry: { otlp: { endpoint: receiverUrl, service_name: 'from-config', record_content: true } },
      providers: { up: { ...providers.up, base_url: `${upstream.url}/v1` } },
      models,
    });
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      await client.chat.completions.create({
        model: 'ok',
        messages: [{ role: 'user', content: 'recorded prompt' }],
      });
      await until(
        () => spans.some((s) => s.resource['service.name'] === 'from-config' && s.kind === SERVER),
        'the span',
        10_000,
      );
      const request = spans.find((s) => s.resource['service.name'] === 'from-config' && s.kind === SERVER)!;
      expect(String(attrs(request)['gen_ai.input.messages'])).toContain('recorded prompt');
      expect(String(attrs(request)['gen_ai.output.messages'])).toContain('Hello');
    } finally {
      await gateway.stop();
    }
  });
});
