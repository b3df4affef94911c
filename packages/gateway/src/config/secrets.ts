/**
 * Which configured values are secrets, for the redactor (core/redactor.ts): `server.api_keys`, every string
 * under a provider setting whose name says it holds a credential (`api_key`, `token`, an `authorization`
 * header, ...), and every value interpolated from an environment variable whose name contains `KEY`,
 * `TOKEN`, `SECRET` or `PASSWORD` (e.g. `${OPENAI_API_KEY}`).
 */

/** Setting and header names whose values are credentials. */
const SECRET_NAME =
  /(^|[_-])(api[_-]?key|key|token|access[_-]?token|secret|password|credentials?)$|^(authorization|x-api-key|x-goog-api-key)$/i;

/** True when an environment variable of this name holds a secret. */
export function isSecretVariable(name: string): boolean {
  return /KEY|TOKEN|SECRET|PASSWORD/i.test(name);
}

/**
 * The credential values in a config tree: `server.api_keys`, and strings anywhere under `providers` whose own
 * key (or an ancestor's) is secret-named. Bearer/Basic schemes are stripped so the bare value is also found.
 * @param tree the validated config (or any part of it)
 */
export function configuredSecrets(tree: {
  server?: { api_keys?: readonly string[] };
  providers?: Record<string, unknown>;
}): string[] {
  const out = [...(tree.server?.api_keys ?? [])];
  const walk = (value: unknown, secretContext: boolean): void => {
    if (typeof value === 'string') {
      if (secretContext) out.push(value, value.replace(/^(Bearer|Basic)\s+/i, ''));
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, secretContext);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, secretContext || SECRET_NAME.test(k));
    }
  };
  walk(tree.providers ?? {}, false);
  return out;
}
