import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import {
  applyUnsupportedParams,
  droppedParamsHeader,
  parseDroppedParams,
} from '../../../src/protocols/openai/unsupported-params.js';

describe('applyUnsupportedParams', () => {
  const body = { model: 'm', seed: 7, logprobs: null, top_k: undefined, n: 2 };
  const unsupported = ['seed', 'logprobs', 'top_k', 'n'];

  it('counts a field as sent only when it has a value: null and undefined ask for nothing', () => {
    expect(applyUnsupportedParams(body, ['logprobs', 'top_k'], 'anthropic', false)).toEqual({
      body,
      dropped: [],
    });
    const dropped = applyUnsupportedParams(body, unsupported, 'anthropic', true);
    expect(dropped.dropped).toEqual(['seed', 'n']);
    expect(dropped.body).toEqual({ model: 'm', logprobs: null, top_k: undefined });
    expect(body.seed).toBe(7);
  });

  it('refuses the first field sent with a 400 naming it and saying how to drop it instead', () => {
    const err = (() => {
      try {
        applyUnsupportedParams(body, unsupported, 'anthropic', false);
      } catch (e) {
        return e;
      }
    })() as GatewayError;
    expect(err).toBeInstanceOf(GatewayError);
    expect([err.status, err.param, err.code]).toEqual([400, 'seed', 'unsupported_parameter']);
    expect(err.message).toBe(
      "parameter 'seed' is not supported by provider type 'anthropic'" +
        ' (set drop_unsupported_params: true on the provider or model to drop it instead)',
    );
  });
});

describe('the dropped-params header', () => {
  it('is absent when nothing was dropped and lists the names joined with ", " otherwise', () => {
    expect(droppedParamsHeader([])).toEqual({});
    expect(droppedParamsHeader(['seed', 'n'])).toEqual({ 'x-switchyard-dropped-params': 'seed, n' });
    expect(parseDroppedParams('seed, n')).toEqual(['seed', 'n']);
    expect(parseDroppedParams(undefined)).toEqual([]);
  });
});
