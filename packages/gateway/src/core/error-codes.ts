/**
 * Every `error.code` the gateway itself puts in an error envelope. An upstream's own code, relayed as the
 * upstream sent it, is not one of these (`GatewayErrorOptions.upstreamCode`). OpenAI's codes keep OpenAI's
 * spelling (OpenAI error codes guide: https://platform.openai.com/docs/guides/error-codes); the rest are
 * Switchyard's, snake_case in the same style.
 */
export type ErrorCode =
  // The request as HTTP (RFC 9110 §15 statuses: 400, 404, 405, 408, 413, 414, 415, 417, 431, 501).
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_url'
  | 'invalid_content_type'
  | 'invalid_multipart'
  | 'incomplete_body'
  | 'unsupported_media_type'
  | 'request_too_large'
  | 'request_timeout'
  | 'request_header_fields_too_large'
  | 'uri_too_long'
  | 'expectation_failed'
  | 'method_not_allowed'
  | 'method_not_implemented'
  | 'unknown_route'
  | 'too_many_connections'
  | 'server_shutting_down'
  // The request's fields and credentials.
  | 'invalid_api_key'
  // Virtual keys and teams (tenancy/), OpenAI's codes where OpenAI has one.
  | 'model_not_allowed'
  | 'rate_limit_exceeded'
  | 'insufficient_quota'
  | 'admin_disabled'
  | 'key_not_found'
  | 'team_not_found'
  | 'team_exists'
  | 'invalid_value'
  | 'missing_required_parameter'
  | 'unsupported_parameter'
  | 'unsupported_content'
  | 'unsupported_endpoint'
  | 'context_length_exceeded'
  // Models and routing.
  | 'model_not_found'
  | 'model_not_supported'
  | 'model_load_failed'
  | 'chat_template_error'
  | 'queue_full'
  | 'queue_timeout'
  | 'deployments_rate_limited'
  | 'deployments_cooling_down'
  | 'provider_closed'
  // Config hot reload (POST /-/reload).
  | 'config_invalid'
  | 'config_reload_unavailable'
  // State kept in the store (store/).
  | 'store_unavailable'
  // The upstream call, one code per failure kind (UpstreamFailure) besides a relayed status.
  | 'upstream_connection_error'
  | 'upstream_timeout'
  | 'upstream_protocol_error'
  | 'stream_error'
  | 'internal_error';
