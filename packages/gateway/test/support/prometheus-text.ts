/**
 * Reads a Prometheus text exposition with `parse-prometheus-text-format` (which throws on a malformed line)
 * and looks samples up by name and labels. That parser folds every label set of a histogram into one
 * sample, so histograms are read a second time with their TYPE lines removed: each `_bucket`, `_sum` and
 * `_count` line is then a plain sample of its own name.
 */
// @ts-expect-error the package ships no type declarations; its output shape is declared below
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample as the parser returns it. */
interface ParsedSample {
  labels?: Record<string, string>;
  value: string;
}

/** One metric family as the parser returns it. */
export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedSample[];
}

/** A parsed page. */
export class PrometheusPage {
  /** The page as the parser read it (histograms folded). */
  readonly families: ParsedFamily[];
  /** Every sample line, histograms' included, by name. */
  private readonly lines: ParsedFamily[];

  /** @throws when the parser rejects the text */
  constructor(text: string) {
    const parse = parsePrometheusTextFormat as (t: string) => ParsedFamily[];
    this.families = parse(text);
    this.lines = parse(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  }

  /** The family named `name` (its TYPE and HELP). @throws when absent */
  family(name: string): ParsedFamily {
    const family = this.families.find((f) => f.name === name);
    if (!family) throw new Error(`no metric ${name}; have ${this.families.map((f) => f.name).join(', ')}`);
    return family;
  }

  /** Samples named `name` (a histogram's: `name_count`, `name_sum`...) whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): ParsedSample[] {
    return this.lines
      .filter((f) => f.name === name)
      .flatMap((f) => f.metrics)
      .filter((m) => Object.entries(labels).every(([k, v]) => (m.labels?.[k] ?? '') === v));
  }

  /** Sum of the matching values of a counter or gauge, or of a histogram's `_count`s. */
  total(name: string, labels: Record<string, string> = {}): number {
    const type = this.family(name).type;
    const series = type === 'HISTOGRAM' ? `${name}_count` : name;
    return this.samples(series, labels).reduce((n, m) => n + Number(m.value), 0);
  }

  /** Sum of a histogram's matching `_sum`s. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(`${name}_sum`, labels).reduce((n, m) => n + Number(m.value), 0);
  }
}
