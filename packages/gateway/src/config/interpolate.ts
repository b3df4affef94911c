/**
 * `${VAR}` and `${VAR:-default}` interpolation of string values in a parsed config tree.
 * Substitution happens after YAML parsing, so a variable's value can never change the YAML structure.
 */

/** Raised when a referenced variable is unset and has no default. `path` is the config path, e.g. `providers.x.api_key`. */
export class InterpolationError extends Error {
  constructor(
    readonly path: string,
    readonly variable: string,
  ) {
    super(
      `${path}: environment variable ${variable} is not set (write \${${variable}:-} for an empty default)`,
    );
    this.name = 'InterpolationError';
  }
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Returns a copy of `value` with every string interpolated from `env`.
 * @param used called with each variable's name and the value substituted for it (to find secrets)
 * @throws InterpolationError for an unset variable without a default
 */
export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path = '',
  used?: (name: string, value: string) => void,
): unknown {
  if (typeof value === 'string') {
    return value.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') {
        used?.(name, v);
        return v;
      }
      if (fallback !== undefined) return fallback;
      if (v !== undefined) return v;
      throw new InterpolationError(path || '(root)', name);
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, `${path}[${i}]`, used));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = interpolate(v, env, path ? `${path}.${k}` : k, used);
    }
    return out;
  }
  return value;
}
