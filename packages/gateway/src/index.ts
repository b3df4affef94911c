/** Public API of @switchyard/gateway: start a gateway in-process, load configs, implement providers. */
export { ConfigError, loadConfigFile, parseConfig } from './config/load.js';
export type { GatewayConfig } from './config/schema.js';
export { type ListenOptions, type RunningGateway, startGateway } from './gateway.js';
export { GatewayError, UpstreamError } from './http/errors.js';
export type * from './providers/provider.js';
