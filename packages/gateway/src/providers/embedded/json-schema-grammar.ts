import { invalidParam } from '../../core/errors.js';
import {
  formatExpression,
  integerRangeExpression,
  JSON_PRIMITIVE_RULES,
  lengthExpression,
  numberRangeExpression,
  patternExpression,
} from './json-grammar-primitives.js';
import { gbnfLiteral } from './regex-grammar.js';

type Schema = Record<string, unknown>;

/** Keywords that describe and constrain nothing (JSON Schema Core §8, Validation §9): ignored. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'deprecated',
  'readOnly',
  'writeOnly',
  'strict',
]);

/** Keywords the grammar enforces, by the type they apply to. */
const ENFORCED = new Set([
  'type',
  'enum',
  'const',
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'uniqueItems',
]);

const TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;

/**
 * Compiles a JSON Schema (draft 2020-12 keywords, draft-04 forms of `exclusiveMinimum` and `items` arrays
 * read too; JSON Schema Validation: https://json-schema.org/draft/2020-12/json-schema-validation) to a GBNF
 * grammar (llama.cpp `grammars/README.md`) whose every output is compact JSON valid against the schema.
 * Enforced: `type` (also lists), `enum`, `const`, `$ref` (`#`, `#/$defs/…`, `#/definitions/…`, recursive),
 * `anyOf` / `oneOf` (as alternatives), a one-entry `allOf`, `properties` / `required` (declared order,
 * optional properties may be left out), `additionalProperties` (only the declared properties are written
 * when there are some; else keys with values of that schema), `items` / `prefixItems` / `minItems` /
 * `maxItems`, `minLength` / `maxLength`, `pattern` (a full match of the value), `format` (see
 * json-grammar-primitives.ts), integer `minimum` / `maximum` / `exclusiveMinimum` / `exclusiveMaximum`,
 * number bounds that are non-negative integers, `multipleOf: 1`. Annotations (`title`, `description`, …)
 * are ignored.
 * @param param request field named in errors (`response_format`, `tools`, `guided_json`, …)
 * @returns the grammar text, root rule `root`
 * @throws GatewayError 400 naming the keyword for every other keyword or value (e.g. `not`, `if`,
 *   `uniqueItems: true`, `multipleOf: 5`, a fractional bound, `pattern` with `minLength`)
 */
export function jsonSchemaToGbnf(schema: unknown, param: string): string {
  return new SchemaCompiler(schema, param).compile();
}

class SchemaCompiler {
  private readonly rules = new Map<string, string>();
  private readonly refs = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly root: unknown,
    private readonly param: string,
  ) {}

  compile(): string {
    this.rules.set('root', this.visit(this.root));
    const lines = [...this.rules].map(([name, body]) => `${name} ::= ${body}`);
    for (const [name, body] of Object.entries(JSON_PRIMITIVE_RULES)) lines.push(`${name} ::= ${body}`);
    return lines.join('\n');
  }

  private refuse(keyword: string, why = 'cannot be enforced by grammar'): never {
    throw invalidParam(this.param, `JSON schema keyword '${keyword}' ${why}`);
  }

  private newRule(body: string): string {
    const name = `r${this.counter++}`;
    this.rules.set(name, body);
    return name;
  }

  /** A GBNF expression for values valid against `schema`. */
  private visit(schema: unknown): string {
    if (schema === true || schema === undefined) return 'value';
    if (schema === false) return this.refuse('false', 'admits no value');
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      throw invalidParam(this.param, 'a JSON schema must be an object or a boolean');
    }
    const s = schema as Schema;
    for (const key of Object.keys(s)) {
      if (!ANNOTATIONS.has(key) && !ENFORCED.has(key)) this.refuse(key);
    }
    if (typeof s.$ref === 'string') return this.ref(s);
    if (Array.isArray(s.allOf)) {
      if (s.allOf.length !== 1) this.refuse('allOf', 'with several entries cannot be enforced by grammar');
      const { allOf, ...rest } = s;
      return this.visit({ ...rest, ...(allOf[0] as Schema) });
    }
    if ('const' in s) return gbnfLiteral(JSON.stringify(s.const));
    if (Array.isArray(s.enum)) {
      if (s.enum.length === 0) this.refuse('enum', 'with no values admits nothing');
      return `(${s.enum.map((v) => gbnfLiteral(JSON.stringify(v))).join(' | ')})`;
    }
    const alternatives = s.anyOf ?? s.oneOf;
    if (Array.isArray(alternatives)) {
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      const shared = Object.keys(rest).filter((k) => !ANNOTATIONS.has(k));
      const branches = alternatives.map((b) =>
        this.visit(shared.length > 0 ? { ...rest, ...(b as Schema) } : b),
      );
      return this.newRule(branches.join(' | '));
    }
    const types = this.types(s);
    if (types.length === 0) return 'value';
    return types.length === 1
      ? this.typed(types[0]!, s)
      : `(${types.map((t) => this.typed(t, s)).join(' | ')})`;
  }

  private types(s: Schema): string[] {
    if (s.type === undefined) {
      if (s.properties || s.additionalProperties !== undefined || s.required) return ['object'];
      if (s.items !== undefined || s.prefixItems) return ['array'];
      if (s.pattern !== undefined || s.format !== undefined || s.minLength !== undefined) return ['string'];
      if (s.minimum !== undefined || s.maximum !== undefined) return ['number'];
      return [];
    }
    const list = Array.isArray(s.type) ? s.type : [s.type];
    for (const t of list) {
      if (!TYPES.includes(t as (typeof TYPES)[number])) {
        throw invalidParam(this.param, `unsupported JSON schema type ${JSON.stringify(t)}`);
      }
    }
    return list as string[];
  }

  private ref(s: Schema): string {
    const ref = s.$ref as string;
    const cached = this.refs.get(ref);
    if (cached) return cached;
    let target: unknown;
    if (ref === '#') target = this.root;
    else {
      const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
      const defs = m ? (this.root as Schema)[m[1]!] : undefined;
      target =
        m && defs && typeof defs === 'object' ? (defs as Schema)[decodeURIComponent(m[2]!)] : undefined;
      if (target === undefined)
        this.refuse('$ref', `'${ref}' does not resolve to a definition in this schema`);
    }
    const name = `r${this.counter++}`;
    this.refs.set(ref, name);
    this.rules.set(name, '""');
    this.rules.set(name, this.visit(target));
    return name;
  }

  private typed(type: string, s: Schema): string {
    switch (type) {
      case 'object':
        return this.object(s);
      case 'array':
        return this.array(s);
      case 'string':
        return this.string(s);
      case 'integer':
        return this.integer(s);
      case 'number':
        return this.number(s);
      default:
        return type;
    }
  }

  private object(s: Schema): string {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const names = Object.keys(properties);
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    for (const name of required) {
      if (!(name in properties) && s.additionalProperties === false) {
        this.refuse('required', `names '${name}', which additionalProperties: false forbids`);
      }
    }
    if (names.length === 0 && required.size === 0) {
      if (s.additionalProperties === false) return '"{}"';
      const value =
        s.additionalProperties === undefined || s.additionalProperties === true
          ? 'value'
          : this.visit(s.additionalProperties);
      return this.newRule(`"{" ( string ":" ${value} ( "," string ":" ${value} )* )? "}"`);
    }
    const pair = (name: string) =>
      this.newRule(`${gbnfLiteral(JSON.stringify(name))} ":" ${this.visit(properties[name] ?? true)}`);
    const mandatory = [...required].map(pair);
    const optional = names.filter((n) => !required.has(n)).map(pair);
    if (mandatory.length > 0) {
      const tail = optional.map((p) => `( "," ${p} )?`).join(' ');
      return this.newRule(`"{" ${mandatory.join(' "," ')} ${tail} "}"`);
    }
    const starts = optional.map((p, i) => {
      const rest = optional.slice(i + 1).map((q) => `( "," ${q} )?`);
      return [p, ...rest].join(' ');
    });
    return this.newRule(`"{" ( ${starts.join(' | ')} )? "}"`);
  }

  private array(s: Schema): string {
    if (s.uniqueItems === true) this.refuse('uniqueItems', 'true cannot be enforced by grammar');
    const prefix = (
      Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : []
    ) as unknown[];
    const rest = Array.isArray(s.items) ? false : s.items;
    const min = (s.minItems as number | undefined) ?? 0;
    const max = s.maxItems as number | undefined;
    if (prefix.length > 0) {
      if (s.minItems !== undefined || s.maxItems !== undefined) {
        this.refuse(
          s.minItems !== undefined ? 'minItems' : 'maxItems',
          'together with prefixItems cannot be enforced by grammar',
        );
      }
      const head = prefix.map((p) => this.visit(p)).join(' "," ');
      const more = rest === false || rest === undefined ? '' : ` ( "," ${this.visit(rest)} )*`;
      return this.newRule(`"[" ${head}${more} "]"`);
    }
    if (max !== undefined && max < min) this.refuse('maxItems', 'is below minItems');
    const item = this.visit(rest);
    if (max === 0) return '"[]"';
    const repeat =
      max === undefined ? (min <= 1 ? '*' : `{${min - 1},}`) : `{${Math.max(0, min - 1)},${max - 1}}`;
    const list = `${item} ( "," ${item} )${repeat}`;
    return this.newRule(min === 0 ? `"[" ( ${list} )? "]"` : `"[" ${list} "]"`);
  }

  private string(s: Schema): string {
    const hasLength = s.minLength !== undefined || s.maxLength !== undefined;
    if (s.pattern !== undefined) {
      if (hasLength)
        this.refuse(
          s.minLength !== undefined ? 'minLength' : 'maxLength',
          'together with pattern cannot be enforced by grammar',
        );
      if (s.format !== undefined)
        this.refuse('format', 'together with pattern cannot be enforced by grammar');
      return this.newRule(patternExpression(s.pattern, this.param));
    }
    if (s.format !== undefined) {
      if (hasLength)
        this.refuse(
          s.minLength !== undefined ? 'minLength' : 'maxLength',
          'together with format cannot be enforced by grammar',
        );
      return this.newRule(formatExpression(s.format, this.param));
    }
    if (!hasLength) return 'string';
    const min = this.count(s, 'minLength') ?? 0;
    const max = this.count(s, 'maxLength');
    if (max !== undefined && max < min) this.refuse('maxLength', 'is below minLength');
    return this.newRule(lengthExpression(min, max));
  }

  private count(s: Schema, keyword: string): number | undefined {
    const v = s[keyword];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      this.refuse(keyword, 'must be a non-negative integer');
    return v;
  }

  private bound(s: Schema, keyword: string): number | undefined {
    const v = s[keyword];
    if (v === undefined || typeof v === 'boolean') return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.refuse(keyword, 'must be a number');
    return v;
  }

  /**
   * Inclusive integer bounds from `minimum` / `maximum` / `exclusiveMinimum` / `exclusiveMaximum` (numbers,
   * or draft-04 booleans qualifying minimum / maximum).
   */
  private integerBounds(s: Schema): { min?: number; max?: number } {
    const mins: number[] = [];
    const maxs: number[] = [];
    const minimum = this.bound(s, 'minimum');
    const maximum = this.bound(s, 'maximum');
    const exMin = this.bound(s, 'exclusiveMinimum');
    const exMax = this.bound(s, 'exclusiveMaximum');
    if (minimum !== undefined)
      mins.push(s.exclusiveMinimum === true ? Math.floor(minimum) + 1 : Math.ceil(minimum));
    if (maximum !== undefined)
      maxs.push(s.exclusiveMaximum === true ? Math.ceil(maximum) - 1 : Math.floor(maximum));
    if (exMin !== undefined) mins.push(Math.floor(exMin) + 1);
    if (exMax !== undefined) maxs.push(Math.ceil(exMax) - 1);
    return {
      ...(mins.length > 0 ? { min: Math.max(...mins) } : {}),
      ...(maxs.length > 0 ? { max: Math.min(...maxs) } : {}),
    };
  }

  private integer(s: Schema): string {
    if (s.multipleOf !== undefined && s.multipleOf !== 1) {
      this.refuse('multipleOf', `${String(s.multipleOf)} cannot be enforced by grammar`);
    }
    const bounds = this.integerBounds(s);
    if (bounds.min === undefined && bounds.max === undefined) return 'integer';
    return this.newRule(integerRangeExpression(bounds, this.param));
  }

  /** Numbers: unbounded, or bounded by a non-negative integer `minimum` and an integer `maximum`. */
  private number(s: Schema): string {
    if (s.multipleOf === 1) return this.integer(s);
    if (s.multipleOf !== undefined) {
      this.refuse('multipleOf', `${String(s.multipleOf)} cannot be enforced by grammar`);
    }
    for (const keyword of ['exclusiveMinimum', 'exclusiveMaximum']) {
      if (s[keyword] !== undefined && s[keyword] !== false) {
        this.refuse(keyword, 'on a number (not an integer) cannot be enforced by grammar');
      }
    }
    const min = this.bound(s, 'minimum');
    const max = this.bound(s, 'maximum');
    if (min === undefined && max === undefined) return 'number';
    if (min === undefined) {
      this.refuse('maximum', 'on a number needs a non-negative integer minimum to be enforced by grammar');
    }
    if (min < 0 || !Number.isInteger(min)) {
      this.refuse('minimum', 'on a number must be a non-negative integer to be enforced by grammar');
    }
    if (max !== undefined && !Number.isInteger(max)) {
      this.refuse('maximum', 'on a number must be an integer to be enforced by grammar');
    }
    return this.newRule(numberRangeExpression(min, max, this.param));
  }
}
