/** Public API of @switchyard/gateway: start a gateway in-process, load configs, implement providers. */

export type { GatewayConfig } from './config/schema.js';
export { GatewayError, UpstreamError } from './core/errors.js';
export { type ListenOptions, type RunningGateway, startGateway } from './gateway.js';
export { ConfigError, loadConfigFile, parseConfig } from './load-config.js';
export type * from './providers/provider.js';
