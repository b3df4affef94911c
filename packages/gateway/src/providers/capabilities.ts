/**
 * What a provider type does with each OpenAI request field, as data. The same lists decide at run time which
 * fields are unsupported (providers/param-policy.ts) and render docs/providers.md (src/docs/providers-doc.ts),
 * so the documentation cannot drift from the code (issue #3 §5, OpenAI error codes guide:
 * https://platform.openai.com/docs/guides/error-codes).
 */
import { type CatalogedEndpoint, INERT_REQUEST_FIELDS, OPENAI_REQUEST_FIELDS } from '@switchyard/wire';

/**
 * One provider type's handling of OpenAI request fields. Each entry is `<endpoint>:<field>`, e.g.
 * `chat.completions:temperature`; an entry may end in ` (<detail>)` to qualify it, e.g.
 * `chat.completions:response_format (json_object)` for a value of a field that is otherwise supported.
 * A plain field name without an endpoint applies to every endpoint of the type.
 */
export interface ProviderCapabilities {
  /** Config `type`. */
  type: string;
  /** Sent upstream under the same name with the same value (`*`: every field, unknown ones too). */
  passthrough: string[];
  /** Mapped to the provider's own field or shape. */
  translated: string[];
  /** Not offered by the provider; the gateway produces the behaviour itself. */
  emulated: string[];
  /** Rejected with 400 naming the field, or dropped and reported when `drop_unsupported_params` is set. */
  unsupported: string[];
}

/** What a translated provider type declares; the unsupported list is derived from it. */
export interface CapabilitySpec {
  /** Endpoints the type serves. */
  endpoints: readonly CatalogedEndpoint[];
  passthrough: readonly string[];
  translated: readonly string[];
  emulated: readonly string[];
  /** Values of supported fields that the type cannot honour (entries with a ` (<detail>)`). */
  unsupportedValues: readonly string[];
}

/** How an inert field (`INERT_REQUEST_FIELDS` of `@switchyard/wire`) the type does not map is listed. */
export const ACCEPTED_DETAIL = 'accepted: asks nothing of the model, not sent';

/**
 * The entries for the fields that ask nothing of the model (`user`, `metadata`, ...,
 * `INERT_REQUEST_FIELDS` of `@switchyard/wire`) on `endpoints` that `handled` does not already map,
 * each qualified with {@link ACCEPTED_DETAIL}.
 * @param handled entry keys (`<endpoint>:<field>`) the type already passes through, translates or emulates
 */
export function acceptedInertEntries(
  endpoints: readonly CatalogedEndpoint[],
  handled: ReadonlySet<string> = new Set(),
): string[] {
  return endpoints.flatMap((endpoint) =>
    INERT_REQUEST_FIELDS[endpoint]
      .filter((field) => !handled.has(`${endpoint}:${field}`))
      .map((field) => `${endpoint}:${field} (${ACCEPTED_DETAIL})`),
  );
}

/**
 * Builds a type's capabilities: every documented OpenAI field of a served endpoint
 * (`OPENAI_REQUEST_FIELDS` of `@switchyard/wire`) that is not passed through, translated or emulated is unsupported, except the
 * fields that ask nothing of the model, which are accepted (listed as emulated, see
 * {@link acceptedInertEntries}).
 * @param type config `type`
 * @param spec the handled fields per endpoint
 */
export function defineCapabilities(type: string, spec: CapabilitySpec): ProviderCapabilities {
  const handled = new Set([...spec.passthrough, ...spec.translated, ...spec.emulated].map(entryKey));
  const emulated = [...spec.emulated, ...acceptedInertEntries(spec.endpoints, handled)];
  for (const entry of emulated) handled.add(entryKey(entry));
  const unsupported = spec.endpoints.flatMap((endpoint) =>
    OPENAI_REQUEST_FIELDS[endpoint]
      .map((field) => `${endpoint}:${field}`)
      .filter((entry) => !handled.has(entry)),
  );
  return {
    type,
    passthrough: [...spec.passthrough],
    translated: [...spec.translated],
    emulated,
    unsupported: [...unsupported, ...spec.unsupportedValues],
  };
}

/**
 * Makes the capability entries of one endpoint: `entriesOf('chat.completions')('temperature', 'top_p')`
 * gives `['chat.completions:temperature', 'chat.completions:top_p']`.
 */
export function entriesOf(endpoint: CatalogedEndpoint): (...fields: string[]) => string[] {
  return (...fields) => fields.map((field) => `${endpoint}:${field}`);
}

/**
 * The request fields a type honours on one endpoint (passthrough, translated or emulated).
 * @returns bare field names, e.g. `temperature`
 */
export function supportedFields(capabilities: ProviderCapabilities, endpoint: string): Set<string> {
  const fields = new Set<string>();
  for (const entry of [...capabilities.passthrough, ...capabilities.translated, ...capabilities.emulated]) {
    const key = entryKey(entry);
    const colon = key.indexOf(':');
    if (colon === -1) fields.add(key);
    else if (key.slice(0, colon) === endpoint) fields.add(key.slice(colon + 1));
  }
  return fields;
}

/** An entry without its ` (<detail>)` qualifier. */
function entryKey(entry: string): string {
  const paren = entry.indexOf(' (');
  return paren === -1 ? entry : entry.slice(0, paren);
}
