/**
 * The `unsupportedParams` policy: a parameter the platform cannot honour makes the call throw
 * `UnsupportedParamError` (`error`, the default), or is removed from the request with a warning (`warn`) or
 * silently (`drop`).
 */
import type { UnsupportedParamsPolicy } from './config.js';
import { UnsupportedParamError } from './errors.js';

/** Where `warn` writes: `console` by default. */
export interface WarningLogger {
  warn(message: string): void;
}

/** Applies the policy of one client to request bodies. */
export class ParamPolicy {
  constructor(
    private readonly platform: string,
    private readonly policy: UnsupportedParamsPolicy,
    private readonly logger: WarningLogger,
  ) {}

  /**
   * Deals with `body[param]`, which the platform cannot honour: throws, or deletes it (warning under `warn`).
   * @throws {UnsupportedParamError} under the `error` policy
   */
  reject(body: Record<string, unknown>, param: string, reason: string): void {
    if (this.policy === 'error') throw new UnsupportedParamError(param, this.platform, reason);
    delete body[param];
    if (this.policy === 'warn') {
      this.logger.warn(`@switchyard/client: dropped ${param} (${this.platform}: ${reason})`);
    }
  }
}
