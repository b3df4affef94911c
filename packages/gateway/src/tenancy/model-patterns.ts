/**
 * Allowed-model lists of keys and teams: each entry is a model id, where `*` stands for any run of characters
 * (`*` alone allows every model, `llama-*` every id starting with `llama-`, `*-embed` every id ending in `-embed`).
 * Matching is case-sensitive, as model ids are.
 */

const compiled = new Map<string, RegExp>();

/**
 * @param patterns the list; undefined allows every model, an empty list none
 * @returns true when `model` matches one entry
 */
export function modelAllowed(patterns: readonly string[] | undefined, model: string): boolean {
  if (patterns === undefined) return true;
  for (const pattern of patterns) {
    if (pattern === model || pattern === '*') return true;
    if (pattern.includes('*') && patternRegExp(pattern).test(model)) return true;
  }
  return false;
}

function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    compiled.set(pattern, re);
  }
  return re;
}
