/**
 * Every error the server can produce, from Node's HTTP parser to fastify's router and body handling, is an
 * OpenAI envelope `{"error":{"message","type","param","code"}}` with the right status, and the socket is
 * answered and closed rather than reset or left hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { type RawExchange, rawExchange } from '../support/raw-http.js';

let upstream: FakeUpstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'GET /v1/models': { json: { object: 'list', data: [{ id: 'm', object: 'model' }] } },
  });
  gateway = await startGatewayProcess({
    server: { log_level: 'error' },
    providers: { up: { type: 'vllm', base_url: `${upstream.url}/v1` } },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

function expectEnvelope(res: RawExchange, status: number, code?: string) {
  expect(res.status, res.raw.slice(0, 300)).toBe(status);
  expect(res.headers['content-type']).toBe('application/json');
  const body = JSON.parse(res.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  if (code !== undefined) expect(body.error.code).toBe(code);
  return body.error;
}

const H = 'Host: 127.0.0.1\r\n';

describe("Node's HTTP parser errors", () => {
  const cases: [string, string, number, string][] = [
    ['an unknown method', `FOO /v1/models HTTP/1.1\r\n${H}\r\n`, 501, 'method_not_implemented'],
    [
      'Content-Length with Transfer-Encoding',
      `POST /v1/chat/completions HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
      'invalid_request',
    ],
    [
      'a bad chunk size',
      `POST /v1/chat/completions HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
      400,
      'invalid_request',
    ],
    [
      'a NUL byte in a header',
      `GET /v1/models HTTP/1.1\r\n${H}X-A: a\u0000b\r\n\r\n`,
      400,
      'invalid_request',
    ],
    [
      'a control byte in a header',
      `GET /v1/models HTTP/1.1\r\n${H}X-A: a\u0001b\r\n\r\n`,
      400,
      'invalid_request',
    ],
    ['a malformed request line', `GET /v1/models HTTP/9z\r\n${H}\r\n`, 400, 'invalid_request'],
    [
      'CONNECT',
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`,
      501,
      'method_not_implemented',
    ],
    [
      'an Expect header other than 100-continue',
      `GET /health HTTP/1.1\r\n${H}Expect: 99999\r\n\r\n`,
      417,
      'expectation_failed',
    ],
    ['a 70 KB URL', `GET /v1/models?${'a'.repeat(70_000)} HTTP/1.1\r\n${H}\r\n`, 414, 'uri_too_long'],
    [
      '3,000 headers',
      `GET /v1/models HTTP/1.1\r\n${H}${Array.from({ length: 3000 }, (_, i) => `x-h${i}: v\r\n`).join('')}\r\n`,
      431,
      'request_header_fields_too_large',
    ],
    [
      'one 70 KB header value',
      `GET /v1/models HTTP/1.1\r\n${H}x-big: ${'v'.repeat(70_000)}\r\n\r\n`,
      431,
      'request_header_fields_too_large',
    ],
  ];
  for (const [what, payload, status, code] of cases) {
    it(`answers ${what} with ${status} in the envelope and closes the connection`, async () => {
      const res = await rawExchange(gateway.url, payload);
      expectEnvelope(res, status, code);
      expect(res.headers.connection).toBe('close');
      expect(res.closed).toBe(true);
    });
  }

  it('answers a chunked body cut short by a client half-close with 400', async () => {
    const res = await rawExchange(
      gateway.url,
      `POST /v1/chat/completions HTTP/1.1\r\n${H}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab`,
      { halfClose: true },
    );
    expectEnvelope(res, 400, 'invalid_request');
  });

  it('answers an HTTP/1.1 request without a Host header with 400 in the envelope', async () => {
    const res = await rawExchange(gateway.url, 'GET /v1/models HTTP/1.1\r\n\r\n');
    expectEnvelope(res, 400, 'invalid_request');
  });

  it('answers a request line without an HTTP version in the envelope', async () => {
    const res = await rawExchange(gateway.url, 'POST /v1/completions\r\n\r\n');
    expectEnvelope(res, 400, 'invalid_json');
  });
});

describe("fastify's routing and body errors", () => {
  for (const path of ['/v1/models/%ff', '/v1/models/%', '/v1/models/%E0%A4%A', '/v1/chat/completions/%']) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      it(`answers ${method} ${path} (bad percent-encoding) with 400 invalid_url`, async () => {
        const res = await rawExchange(
          gateway.url,
          `${method} ${path} HTTP/1.1\r\n${H}Connection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        expectEnvelope(res, 400, 'invalid_url');
      });
    }
  }

  const routes: [string, string, number, string][] = [
    ['DELETE', '/v1/models/x', 405, 'method_not_allowed'],
    ['PUT', '/v1/models', 405, 'method_not_allowed'],
    ['GET', '/v1/completions', 405, 'method_not_allowed'],
    ['POST', '/v1/nonexistent', 404, 'unknown_route'],
  ];
  for (const [method, path, status, code] of routes) {
    for (const length of ['Content-Length: 0\r\n', '']) {
      it(`answers ${method} ${path} with an empty JSON body (${length ? 'length 0' : 'no length'}) with ${status}`, async () => {
        const res = await rawExchange(
          gateway.url,
          `${method} ${path} HTTP/1.1\r\n${H}Connection: close\r\nContent-Type: application/json\r\n${length}\r\n`,
        );
        expectEnvelope(res, status, code);
      });
    }
  }

  it('answers embeddings with input: [] saying the input must not be empty', async () => {
    const res = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: [] }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; param: string } };
    expect(error.param).toBe('input');
    expect(error.message).toBe("Invalid value for 'input': must not be empty");
  });

  it('names each alternative when a value matches none of them', async () => {
    const res = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: [1.5] }),
    });
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toContain('must be string');
    expect(error.message).toContain('input[0] must be integer');
    expect(error.message).not.toContain('anyOf');
  });
});
