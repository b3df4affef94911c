import toRegexRange from 'to-regex-range';
import { invalidParam } from '../../core/errors.js';
import { regexToGbnf } from './regex-grammar.js';

/**
 * GBNF rules for compact JSON (RFC 8259 with no whitespace between tokens): every JSON text these rules
 * generate parses, and none spends tokens on spaces or newlines. Numbers have at most 16 integer digits
 * and 16 fraction digits, so a sampled number cannot run on until `max_tokens`.
 */
export const JSON_PRIMITIVE_RULES: Readonly<Record<string, string>> = {
  value: 'object | array | string | number | boolean | null',
  object: '"{" ( string ":" value ( "," string ":" value )* )? "}"',
  array: '"[" ( value ( "," value )* )? "]"',
  string: '"\\"" char* "\\""',
  char: '[^"\\\\\\x00-\\x1f] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )',
  number: 'integer ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?',
  integer: '"-"? ( "0" | [1-9] [0-9]{0,15} )',
  boolean: '"true" | "false"',
  null: '"null"',
};

/**
 * JSON Schema `format`s the grammar enforces (JSON Schema Validation §7.3, RFC 3339 for dates and times,
 * RFC 4122 for uuid), as ECMAScript regexes of the string value. Each regex admits only valid values
 * (a subset where the full grammar of the format is wider, e.g. `email` without quoted local parts).
 */
const FORMATS: Readonly<Record<string, string>> = {
  date: '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])',
  time: '([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])',
  'date-time':
    '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])',
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  email:
    '[A-Za-z0-9_%+-]{1,16}(\\.[A-Za-z0-9_%+-]{1,16}){0,3}@[A-Za-z0-9]([A-Za-z0-9-]{0,14}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,14}[A-Za-z0-9])?){0,2}\\.[A-Za-z]{2,8}',
  ipv4: '((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])',
};

/** Largest magnitude a bounded integer may have (15 digits, within the safe integers). */
const LIMIT = 10 ** 15 - 1;

/**
 * A string value in `format` as a GBNF expression including the quotes.
 * @throws GatewayError 400 naming `format` for a format the grammar does not enforce
 */
export function formatExpression(format: unknown, param: string): string {
  if (typeof format !== 'string' || !(format in FORMATS)) {
    throw invalidParam(
      param,
      `JSON schema keyword 'format' (${JSON.stringify(format)}) cannot be enforced by grammar; supported: ${Object.keys(FORMATS).join(', ')}`,
    );
  }
  return `"\\"" ${regexToGbnf(FORMATS[format]!, 'json-string', param)} "\\""`;
}

/**
 * A string whose value matches `pattern` (ECMA-262 regex; the whole value is one match).
 * @throws GatewayError 400 naming `pattern` for a regex the grammar cannot express
 */
export function patternExpression(pattern: unknown, param: string): string {
  if (typeof pattern !== 'string') throw invalidParam(param, "JSON schema 'pattern' must be a string");
  return `"\\"" ${regexToGbnf(pattern, 'json-string', param)} "\\""`;
}

/** A string of `min`…`max` characters (an escape sequence counts as one character). */
export function lengthExpression(min: number, max: number | undefined): string {
  if (max === undefined) return min === 0 ? 'string' : `"\\"" char{${min},} "\\""`;
  return `"\\"" char{${min},${max}} "\\""`;
}

/** Integer bounds, inclusive; undefined = unbounded on that side. */
export interface IntegerBounds {
  min?: number;
  max?: number;
}

/**
 * An integer in `bounds` as a GBNF expression: decimal text without leading zeros, built from
 * `to-regex-range` for the finite part and digit-count rules for an open side.
 * @throws GatewayError 400 naming `param` when min > max
 */
export function integerRangeExpression(bounds: IntegerBounds, param: string): string {
  const min = bounds.min ?? -LIMIT;
  const max = bounds.max ?? LIMIT;
  if (min > max) throw invalidParam(param, `no integer lies between the schema's bounds (${min} > ${max})`);
  const parts: string[] = [];
  if (min < 0) {
    const low = Math.max(1, max < 0 ? -max : 1);
    parts.push(`-(${toRegexRange(low, -min)})`);
  }
  if (max >= 0) parts.push(toRegexRange(Math.max(0, min), max));
  return regexToGbnf(parts.join('|'), 'raw', param);
}

/**
 * A non-negative number in [`min`, `max`] (integer bounds): an integer part in [min, max − 1] with any
 * fraction, or `max` itself with a zero fraction at most.
 * @throws GatewayError 400 naming `param` when min > max
 */
export function numberRangeExpression(min: number, max: number | undefined, param: string): string {
  const fraction = '( "." [0-9]{1,16} )?';
  if (max === undefined) return `${integerRangeExpression({ min }, param)} ${fraction}`;
  if (min > max) throw invalidParam(param, `no number lies between the schema's bounds (${min} > ${max})`);
  const top = `"${max}" ( "." "0"{1,16} )?`;
  if (min === max) return top;
  return `( ${integerRangeExpression({ min, max: max - 1 }, param)} ${fraction} | ${top} )`;
}
