import { describe, expect, it } from 'vitest';
import { eventObject } from '../../src/upstream/sse-decode.js';

describe('eventObject', () => {
  it('returns the JSON object of an event', () => {
    expect(eventObject('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(eventObject('{"candidates":[{"index":0}]}')).toEqual({ candidates: [{ index: 0 }] });
  });

  it('is undefined for data that is not JSON, or JSON but not an object', () => {
    for (const data of ['', 'not json', '{"type":', 'null', '42', '"text"']) {
      expect(eventObject(data)).toBeUndefined();
    }
  });
});
