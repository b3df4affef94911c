/**
 * Names of the response headers Switchyard adds to what the upstream sent (all lower case, as Node's
 * `IncomingMessage.headers` spells them).
 */

/** Response header: milliseconds the gateway itself spent on the request before answering (not upstream wait). */
export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';
/** Response header: upstream attempts made for this request. */
export const ATTEMPTS_HEADER = 'x-switchyard-attempts';
/** Response header: request fields dropped under `drop_unsupported_params`, joined with `, `. */
export const DROPPED_PARAMS_HEADER = 'x-switchyard-dropped-params';
