/**
 * `@switchyard/wire`: the wire types and pure codecs the Switchyard gateway and client share. No runtime dependency
 * and no Node-only API: it runs wherever `fetch`, web streams and `TextDecoder` exist.
 */
export { type ErrorObject, errorTypeForStatus, readErrorBody, type StatusErrorType } from './error-body.js';
export {
  type ByteStream,
  NdjsonError,
  type NdjsonErrorKind,
  type NdjsonOptions,
  ndjsonValues,
} from './ndjson.js';
export type * from './ollama.js';
export { type CompletionLogprobs, completionLogprobs, THINK_FROM_REASONING_EFFORT } from './ollama-openai.js';
export {
  type CatalogedEndpoint,
  INERT_REQUEST_FIELDS,
  isNeutralValue,
  OPENAI_REQUEST_FIELDS,
} from './openai-fields.js';
export { compareVersions, parseVersion } from './versions.js';
export type * from './vllm-params.js';
export type * from './vllm-routes.js';
