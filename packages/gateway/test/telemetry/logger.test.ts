import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';

/** A logger writing into an array of parsed lines. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('createLogger', () => {
  it('redacts credentials in headers wherever headers are logged, and api keys', () => {
    const { logger, lines } = capture();
    const headers = {
      authorization: 'Bearer sk-client',
      'x-api-key': 'sk-ant',
      'x-goog-api-key': 'AIza',
      accept: '*/*',
    };
    logger.info({ headers }, 'top');
    logger.info({ req: { headers }, err: { headers }, upstream: { headers } }, 'nested');
    logger.info({ api_key: 'sk-1', provider: { id: 'p', api_key: 'sk-2' } }, 'keys');
    const text = JSON.stringify(lines);
    for (const secret of ['sk-client', 'sk-ant', 'AIza', 'sk-1', 'sk-2']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ headers: { authorization: '[redacted]', accept: '*/*' } });
    expect(lines[1]).toMatchObject({
      req: { headers: { 'x-api-key': '[redacted]' } },
      err: { headers: { 'x-goog-api-key': '[redacted]' } },
      upstream: { headers: { authorization: '[redacted]' } },
    });
    expect(lines[2]).toMatchObject({ api_key: '[redacted]', provider: { id: 'p', api_key: '[redacted]' } });
  });

  it('keeps child bindings such as the request id as they are', () => {
    const { logger, lines } = capture();
    logger.child({ reqId: 'req_abc' }).info({ headers: { authorization: 'Bearer x' } }, 'child');
    expect(lines[0]).toMatchObject({
      reqId: 'req_abc',
      headers: { authorization: '[redacted]' },
      msg: 'child',
    });
  });
});
