import { isNeutralValue } from '@switchyard/wire';
import { GatewayError } from '../core/errors.js';
import { applyUnsupportedParams, droppedParamsHeader } from '../protocols/openai/unsupported-params.js';
import { type ProviderCapabilities, supportedFields } from './capabilities.js';
import type { Endpoint } from './provider.js';

/**
 * Enforces a provider type's capabilities on one request (issue #3 §5): a field the type does not honour, or
 * a listed unsupported value, fails with a 400 naming it, or is dropped and reported when
 * `drop_unsupported_params` is set on the provider or the model.
 */
export class ParamPolicy {
  /** Names of dropped parameters, in the order met. */
  readonly dropped: string[] = [];

  /**
   * @param capabilities the provider type's capability data
   * @param endpoint the endpoint being served
   * @param drop true when `drop_unsupported_params` is set (model setting wins over provider setting)
   */
  constructor(
    private readonly capabilities: ProviderCapabilities,
    private readonly endpoint: Endpoint,
    private readonly drop: boolean,
  ) {}

  /**
   * Removes or rejects every top-level field the type does not honour on this endpoint. Fields set to null
   * or to OpenAI's neutral default (`n: 1`, `logprobs: false`, ...) ask for nothing and pass.
   * @returns the body without dropped fields
   * @throws GatewayError 400 `unsupported_parameter` naming the first such field, unless dropping
   */
  screen(body: Record<string, unknown>): Record<string, unknown> {
    const supported = supportedFields(this.capabilities, this.endpoint);
    const unsupported = Object.keys(body).filter(
      (field) => !supported.has(field) && !isNeutralValue(field, body[field]),
    );
    const result = applyUnsupportedParams(body, unsupported, this.capabilities.type, this.drop);
    this.dropped.push(...result.dropped);
    return result.body;
  }

  /**
   * Handles a value the type cannot honour, listed in its capabilities' `unsupported` entries.
   * @param entry the capability entry, e.g. `chat.completions:response_format (json_object)`
   * @param param the request path to name in the error, e.g. `messages[1].content[0].image_url`
   * @returns normally only when dropping; the caller then leaves the value out
   * @throws GatewayError 400 naming `param`, unless dropping
   * @throws Error when `entry` is not one of the type's unsupported entries (a programming error)
   */
  reject(entry: string, param: string): void {
    this.checkListed(entry);
    if (!this.drop)
      throw this.error(
        entry,
        param,
        ' (set drop_unsupported_params: true on the provider or model to drop it instead)',
      );
    this.dropped.push(param);
  }

  /**
   * Rejects a listed unsupported value that cannot be dropped because nothing would be left to send (e.g.
   * a token-array `prompt`): always a 400 naming `param`.
   * @throws GatewayError 400 `unsupported_parameter`
   * @throws Error when `entry` is not one of the type's unsupported entries (a programming error)
   */
  refuse(entry: string, param: string): never {
    this.checkListed(entry);
    throw this.error(entry, param);
  }

  /** Response headers reporting dropped parameters (empty when none were dropped). */
  headers(): Record<string, string> {
    return droppedParamsHeader(this.dropped);
  }

  private checkListed(entry: string): void {
    if (!this.capabilities.unsupported.includes(entry)) {
      throw new Error(
        `capability entry '${entry}' is not listed for provider type '${this.capabilities.type}'`,
      );
    }
  }

  private error(entry: string, param: string, hint = ''): GatewayError {
    const detail = entry.slice(entry.indexOf(':') + 1);
    return new GatewayError(
      400,
      `'${detail}' is not supported by provider type '${this.capabilities.type}' (parameter '${param}')${hint}`,
      { param, code: 'unsupported_parameter' },
    );
  }
}
