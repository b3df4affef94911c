import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classifyTransportError } from '../../src/upstream/transport-errors.js';

describe('classifyTransportError', () => {
  it('gives one code per failure kind, whichever layer threw', () => {
    const cases: [unknown, 'connect' | 'protocol', number, string, boolean][] = [
      [
        Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        'protocol',
        502,
        'upstream_connection_error',
        true,
      ],
      [
        new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }),
        'protocol',
        502,
        'upstream_connection_error',
        true,
      ],
      [new undiciErrors.HeadersTimeoutError(), 'connect', 504, 'upstream_timeout', true],
      [new undiciErrors.BodyTimeoutError(), 'protocol', 504, 'upstream_timeout', true],
      [new DOMException('signal timed out', 'TimeoutError'), 'connect', 504, 'upstream_timeout', true],
      [new Error('something odd'), 'connect', 502, 'upstream_connection_error', true],
      [new SyntaxError('Unexpected token'), 'protocol', 502, 'upstream_protocol_error', false],
    ];
    for (const [err, unknownAs, status, code, retryable] of cases) {
      const mapped = classifyTransportError(err, 'gpu', unknownAs);
      expect([mapped.status, mapped.code, mapped.retryable]).toEqual([status, code, retryable]);
    }
  });

  it('names the provider and the code (or message) in the text', () => {
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    expect(classifyTransportError(refused, 'gpu', 'connect').message).toBe(
      "connection to upstream provider 'gpu' failed (ECONNREFUSED)",
    );
    expect(classifyTransportError(new undiciErrors.HeadersTimeoutError(), 'gpu', 'connect').message).toBe(
      "upstream provider 'gpu' timed out (UND_ERR_HEADERS_TIMEOUT)",
    );
  });
});
