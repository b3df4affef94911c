import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { InterpolationError, interpolate } from './config/interpolate.js';
import { configSchema, type GatewayConfig } from './config/schema.js';
import { configuredSecrets, isSecretVariable } from './config/secrets.js';
import { providerDefinitions } from './providers/catalog.js';

/** A config that cannot be used. The message names the exact path of each bad field, one per line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads, interpolates (`${VAR}`, `${VAR:-default}`) and validates a switchyard.yaml file.
 * @param file path to the YAML file
 * @param env variables for interpolation (default `process.env`)
 * @throws ConfigError when the file is missing, not YAML, or invalid
 */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(raw, dirname(resolve(file)), env);
}

/**
 * Validates an already-parsed config tree.
 * @param raw the YAML document as plain data
 * @param dir directory relative paths resolve against
 * @throws ConfigError naming the path of every bad field
 */
export function parseConfig(raw: unknown, dir: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let tree: unknown;
  const secrets: string[] = [];
  try {
    tree = interpolate(raw, env, '', (name, value) => {
      if (isSecretVariable(name)) secrets.push(value);
    });
  } catch (err) {
    if (err instanceof InterpolationError) throw new ConfigError(err.message);
    throw err;
  }
  const types = providerDefinitions.flatMap((d) => d.types) as unknown as [string, ...string[]];
  const top = configSchema(types).safeParse(tree);
  if (!top.success) throw new ConfigError(formatIssues(top.error.issues, []));

  const problems: string[] = [];
  const providers: GatewayConfig['providers'] = {};
  for (const [id, entry] of Object.entries(top.data.providers)) {
    const definition = providerDefinitions.find((d) => d.types.includes(entry.type))!;
    const parsed = definition.schema.safeParse(entry);
    if (parsed.success) providers[id] = parsed.data as GatewayConfig['providers'][string];
    else problems.push(formatIssues(parsed.error.issues, ['providers', id]));
  }

  const seen = new Set<string>();
  top.data.models.forEach((model, i) => {
    if (seen.has(model.id)) problems.push(`models[${i}].id: duplicate model id '${model.id}'`);
    seen.add(model.id);
    model.deployments.forEach((d, j) => {
      if (!(d.provider in top.data.providers)) {
        const known = Object.keys(top.data.providers).join(', ') || '(none)';
        problems.push(
          `models[${i}].deployments[${j}].provider: unknown provider '${d.provider}' (configured: ${known})`,
        );
      }
    });
  });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  secrets.push(...configuredSecrets({ server: top.data.server, providers }));
  return {
    server: top.data.server,
    providers,
    models: top.data.models,
    store: top.data.store,
    telemetry: top.data.telemetry,
    dir,
    secrets,
  };
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): string {
  return issues.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`).join('\n');
}

/** `['models', 0, 'id']` → `models[0].id`. */
function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}
