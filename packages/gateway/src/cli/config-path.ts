import type { GatewayConfig } from '../config/schema.js';
import { ConfigError, loadConfigFile } from '../load-config.js';

/**
 * Loads the config named by `--config`, else `SWITCHYARD_CONFIG`, else `./switchyard.yaml`.
 * On a bad config prints every problem (with its field path) to stderr and exits with status 1.
 */
export function loadConfigOrExit(flag: string | undefined): GatewayConfig {
  const file = configPath(flag);
  try {
    return loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchyard: invalid configuration (${file}):\n${indent(err.message)}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** The config file named by `--config`, else `SWITCHYARD_CONFIG`, else `./switchyard.yaml`. */
export function configPath(flag: string | undefined): string {
  return flag ?? process.env.SWITCHYARD_CONFIG ?? 'switchyard.yaml';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
