/**
 * The {@link GatewayError} a call under test fails with, for tests that then assert its status, `param` and
 * message.
 */
import { expect } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';

/**
 * The error `promise` rejects with; the test fails when it resolves or rejects with anything else.
 */
export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

/**
 * The error `fn` throws; any other error is rethrown, and returning normally fails the test.
 */
export function thrownBy(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}
