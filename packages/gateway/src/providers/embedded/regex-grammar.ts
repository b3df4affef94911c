import { type AST, RegExpParser } from '@eslint-community/regexpp';
import { invalidParam } from '../../core/errors.js';

/**
 * Where the regex's text goes: `raw` (the output is the matched text itself, vLLM's `guided_regex`) or
 * `json-string` (inside a JSON string, JSON Schema `pattern`: the grammar writes JSON text whose decoded
 * value matches; `"` and `\` are written escaped, control characters are left out).
 */
export type RegexTarget = 'raw' | 'json-string';

/** Code points a JSON string cannot hold unescaped (RFC 8259 §7): C0 controls, `"`, `\`. */
const JSON_FORBIDDEN: readonly [number, number][] = [
  [0x00, 0x1f],
  [0x22, 0x22],
  [0x5c, 0x5c],
];

const DIGIT: [number, number][] = [[0x30, 0x39]];
const WORD: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: [number, number][] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];

/**
 * Compiles a regular expression (ECMAScript syntax, parsed by `@eslint-community/regexpp`; JSON Schema
 * `pattern` is ECMA-262 by definition, JSON Schema Validation §6.3.3) into a GBNF expression (llama.cpp
 * grammar syntax, llama.cpp `grammars/README.md`) that generates exactly the strings the regex matches as
 * a whole (the output is one full match, as if anchored with `^…$`). `.` matches any character but a
 * newline, as in ECMAScript.
 * @param param request field named in errors
 * @throws GatewayError 400 naming `param` for invalid syntax and for constructs a grammar cannot express:
 *   lookarounds, word boundaries, backreferences, anchors inside the pattern, Unicode property escapes
 */
export function regexToGbnf(source: string, target: RegexTarget, param: string): string {
  let pattern: AST.Pattern;
  try {
    pattern = new RegExpParser({ ecmaVersion: 2024 }).parsePattern(source, 0, source.length, {
      unicode: true,
    });
  } catch (err) {
    throw invalidParam(
      param,
      `invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`,
    );
  }
  return new RegexCompiler(target, param).alternatives(pattern.alternatives, true);
}

class RegexCompiler {
  constructor(
    private readonly target: RegexTarget,
    private readonly param: string,
  ) {}

  alternatives(alternatives: readonly AST.Alternative[], top = false): string {
    const parts = alternatives.map((a) => this.sequence(a.elements, top));
    return parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`;
  }

  private sequence(elements: readonly AST.Element[], top: boolean): string {
    const parts: string[] = [];
    elements.forEach((element, i) => {
      if (element.type === 'Assertion') {
        const atEdge =
          top &&
          ((element.kind === 'start' && i === 0) || (element.kind === 'end' && i === elements.length - 1));
        if (atEdge) return;
        this.refuse(`the assertion '${element.raw}'`);
      }
      parts.push(this.element(element));
    });
    return parts.length === 0 ? '""' : parts.join(' ');
  }

  private element(element: AST.Element): string {
    switch (element.type) {
      case 'Character':
        return this.literal(element.value);
      case 'CharacterSet':
        return this.characterSet(element);
      case 'CharacterClass':
        return this.characterClass(element);
      case 'Group':
      case 'CapturingGroup':
        return `(${element.alternatives.map((a) => this.sequence(a.elements, false)).join(' | ')})`;
      case 'Quantifier': {
        const inner = this.element(element.element);
        const { min, max } = element;
        if (min === 0 && max === Number.POSITIVE_INFINITY) return `${inner}*`;
        if (min === 1 && max === Number.POSITIVE_INFINITY) return `${inner}+`;
        if (min === 0 && max === 1) return `${inner}?`;
        if (max === Number.POSITIVE_INFINITY) return `${inner}{${min},}`;
        return min === max ? `${inner}{${min}}` : `${inner}{${min},${max}}`;
      }
      default:
        return this.refuse(`'${element.raw}' (${element.type})`);
    }
  }

  private characterSet(set: AST.CharacterSet): string {
    if (set.kind === 'any') return this.classOf([[0x0a, 0x0a]], true);
    const ranges = this.setRanges(set);
    return this.classOf(ranges, set.negate);
  }

  private setRanges(set: AST.CharacterSet): [number, number][] {
    switch (set.kind) {
      case 'digit':
        return DIGIT;
      case 'word':
        return WORD;
      case 'space':
        return SPACE;
      default:
        return this.refuse(`'${set.raw}' (Unicode property escapes)`);
    }
  }

  private characterClass(cls: AST.CharacterClass): string {
    const ranges: [number, number][] = [];
    for (const item of cls.elements) {
      if (item.type === 'Character') ranges.push([item.value, item.value]);
      else if (item.type === 'CharacterClassRange') ranges.push([item.min.value, item.max.value]);
      else if (item.type === 'CharacterSet' && !item.negate) ranges.push(...this.setRanges(item));
      else this.refuse(`'${item.raw}' inside a character class`);
    }
    if (ranges.length === 0 && !cls.negate) this.refuse(`the empty class '${cls.raw}'`);
    return this.classOf(ranges, cls.negate);
  }

  /** A GBNF character class; in JSON-string mode without the characters a JSON string cannot hold raw. */
  private classOf(ranges: readonly [number, number][], negate: boolean): string {
    let effective = [...ranges];
    if (this.target === 'json-string') {
      effective = negate ? [...effective, ...JSON_FORBIDDEN] : subtract(effective, JSON_FORBIDDEN);
      if (!negate && effective.length === 0) {
        return this.refuse('a class of only characters a JSON string must escape');
      }
    }
    const body = effective
      .map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`))
      .join('');
    return `[${negate ? '^' : ''}${body}]`;
  }

  private literal(codePoint: number): string {
    if (this.target === 'json-string') {
      if (codePoint === 0x22) return '"\\\\\\""';
      if (codePoint === 0x5c) return '"\\\\\\\\"';
      if (codePoint < 0x20) return `"\\\\u${codePoint.toString(16).padStart(4, '0')}"`;
    }
    return `"${stringChar(codePoint)}"`;
  }

  private refuse(what: string): never {
    throw invalidParam(this.param, `the regular expression uses ${what}, which a grammar cannot enforce`);
  }
}

/** `ranges` minus `remove` (both inclusive code point ranges). */
function subtract(
  ranges: readonly [number, number][],
  remove: readonly [number, number][],
): [number, number][] {
  let out = ranges.map((r): [number, number] => [r[0], r[1]]);
  for (const [rlo, rhi] of remove) {
    const next: [number, number][] = [];
    for (const [lo, hi] of out) {
      if (hi < rlo || lo > rhi) next.push([lo, hi]);
      else {
        if (lo < rlo) next.push([lo, rlo - 1]);
        if (hi > rhi) next.push([rhi + 1, hi]);
      }
    }
    out = next;
  }
  return out;
}

/** A code point inside a GBNF `[...]` class. */
function classChar(codePoint: number): string {
  const c = String.fromCodePoint(codePoint);
  if (c === ']' || c === '[' || c === '\\' || c === '^' || c === '-') return `\\${c}`;
  return codePoint < 0x20 || codePoint === 0x7f ? hexEscape(codePoint) : c;
}

/** A code point inside a GBNF `"..."` literal. */
function stringChar(codePoint: number): string {
  const c = String.fromCodePoint(codePoint);
  if (c === '"' || c === '\\') return `\\${c}`;
  return codePoint < 0x20 || codePoint === 0x7f ? hexEscape(codePoint) : c;
}

/**
 * A GBNF literal that generates `text` exactly.
 * @param text any string; quotes, backslashes and control characters are escaped
 */
export function gbnfLiteral(text: string): string {
  return `"${[...text].map((c) => stringChar(c.codePointAt(0)!)).join('')}"`;
}

function hexEscape(codePoint: number): string {
  return `\\x${codePoint.toString(16).padStart(2, '0')}`;
}
