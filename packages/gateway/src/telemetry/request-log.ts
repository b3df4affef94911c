/**
 * The last requests the gateway finished, kept in a fixed ring (no growth with traffic), for `GET /-/requests`
 * (`switchyard status`, the dashboard): the newest entries and per-model rates over the last minute.
 */
import type { FinishedRequest } from './request-metrics.js';

/** One finished request as listed. */
export interface LoggedRequest {
  /** Unix ms when it ended. */
  at: number;
  route: string;
  /** The model id the client asked for. */
  model: string;
  provider: string | null;
  deployment: string | null;
  stream: boolean;
  status: number;
  /** null on success. */
  error_code: string | null;
  /** Tokens; null when the upstream reported none. */
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** ms, rounded to 0.1. */
  duration_ms: number;
  /** ms to the first byte of the answer, rounded to 0.1; null when none arrived. */
  ttft_ms: number | null;
  attempts: number;
}

/** One model's figures over the window. */
export interface ModelRates {
  model: string;
  requests: number;
  errors: number;
  /** Requests per second over the window. */
  requests_per_s: number;
  /** Completion tokens per second over the window. */
  completion_tokens_per_s: number;
  /** Duration percentiles, ms. */
  p50_ms: number;
  p95_ms: number;
  /** Median time to first token of streams, ms; null without streams. */
  ttft_p50_ms: number | null;
}

/** Requests kept. */
const CAPACITY = 2_000;
/** The window of the rates, ms. */
export const RATE_WINDOW_MS = 60_000;

/** A ring of the last {@link CAPACITY} finished requests. */
export class RequestLog {
  private readonly ring: (LoggedRequest | undefined)[] = new Array(CAPACITY);
  private next = 0;
  private count = 0;

  /** Adds a request (the router's finished-request sink). */
  readonly record = (r: FinishedRequest): void => {
    this.ring[this.next] = {
      at: Date.now(),
      route: r.route,
      model: r.requestedModel,
      provider: r.provider ?? null,
      deployment: r.deployment ?? null,
      stream: r.stream,
      status: r.status,
      error_code: r.errorCode === '' ? null : r.errorCode,
      prompt_tokens: r.promptTokens < 0 ? null : r.promptTokens,
      completion_tokens: r.completionTokens < 0 ? null : r.completionTokens,
      duration_ms: Math.round(r.durationMs * 10) / 10,
      ttft_ms: r.ttftMs < 0 ? null : Math.round(r.ttftMs * 10) / 10,
      attempts: r.attempts,
    };
    this.next = (this.next + 1) % CAPACITY;
    this.count = Math.min(this.count + 1, CAPACITY);
  };

  /** The newest `limit` requests, newest first. */
  recent(limit: number): LoggedRequest[] {
    const out: LoggedRequest[] = [];
    for (let i = 1; i <= Math.min(limit, this.count); i++)
      out.push(this.ring[(this.next - i + CAPACITY) % CAPACITY]!);
    return out;
  }

  /**
   * Per-model figures over the last {@link RATE_WINDOW_MS} (or the part of it the ring still holds, then
   * `window_s` is shorter), models sorted by id.
   */
  rates(now = Date.now()): { window_s: number; models: ModelRates[] } {
    const since = now - RATE_WINDOW_MS;
    const entries = this.recent(this.count).filter((r) => r.at >= since);
    const oldestKept = this.count < CAPACITY ? undefined : this.ring[this.next]!.at;
    const windowMs =
      oldestKept === undefined || oldestKept <= since ? RATE_WINDOW_MS : Math.max(1_000, now - oldestKept);
    const byModel = new Map<string, LoggedRequest[]>();
    for (const r of entries) {
      const list = byModel.get(r.model) ?? [];
      list.push(r);
      byModel.set(r.model, list);
    }
    const models = [...byModel.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, list]) => {
        const durations = list.map((r) => r.duration_ms).sort((a, b) => a - b);
        const ttfts = list
          .flatMap((r) => (r.stream && r.ttft_ms !== null ? [r.ttft_ms] : []))
          .sort((a, b) => a - b);
        const tokens = list.reduce((n, r) => n + (r.completion_tokens ?? 0), 0);
        return {
          model,
          requests: list.length,
          errors: list.filter((r) => r.error_code !== null).length,
          requests_per_s: round2((list.length * 1000) / windowMs),
          completion_tokens_per_s: round2((tokens * 1000) / windowMs),
          p50_ms: percentile(durations, 0.5),
          p95_ms: percentile(durations, 0.95),
          ttft_p50_ms: ttfts.length === 0 ? null : percentile(ttfts, 0.5),
        };
      });
    return { window_s: Math.round(windowMs / 100) / 10, models };
  }
}

/** Nearest-rank percentile of sorted values (0 when empty). */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
