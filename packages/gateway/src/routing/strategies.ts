/**
 * Deployment selection strategies. Each picks one deployment among the candidates routing may still try
 * (available, not yet tried by this request); all run in O(candidates) without allocating.
 */
import type { RoutingStrategy } from '../config/routing-fields.js';

/** What a strategy reads from a deployment. */
export interface LoadView {
  /** Requests in flight plus requests queued for a slot. */
  readonly load: number;
  /** Relative share under `weighted` (> 0). */
  readonly weight: number;
  /** Exponentially weighted moving average of time to first byte, ms; undefined before the first sample. */
  readonly ttfbEwmaMs: number | undefined;
}

/** A per-model counter that round-robin advances and the other strategies use to rotate ties. */
export interface Rotation {
  next: number;
}

/**
 * Picks a deployment.
 * - `least-busy`: the smallest `load`; ties rotate.
 * - `weighted`: random, with probability proportional to `weight`.
 * - `round-robin`: the next one in turn.
 * - `latency`: the lowest time-to-first-byte EWMA; deployments without a sample yet go first (they get
 *   measured); ties rotate.
 * @param candidates non-empty
 */
export function pickDeployment<D extends { state: LoadView }>(
  strategy: RoutingStrategy,
  candidates: readonly D[],
  rotation: Rotation,
): D {
  const n = candidates.length;
  if (n === 1) return candidates[0]!;
  const start = rotation.next++ % n;
  if (rotation.next >= Number.MAX_SAFE_INTEGER) rotation.next = 0;
  switch (strategy) {
    case 'round-robin':
      return candidates[start]!;
    case 'weighted':
      return weighted(candidates);
    case 'latency':
      return lowest(candidates, start, (d) => d.state.ttfbEwmaMs ?? -1);
    default:
      return lowest(candidates, start, (d) => d.state.load);
  }
}

function lowest<D>(candidates: readonly D[], start: number, score: (d: D) => number): D {
  const n = candidates.length;
  let best = candidates[start]!;
  let bestScore = score(best);
  for (let i = 1; i < n; i++) {
    const d = candidates[(start + i) % n]!;
    const s = score(d);
    if (s < bestScore) {
      best = d;
      bestScore = s;
    }
  }
  return best;
}

function weighted<D extends { state: LoadView }>(candidates: readonly D[]): D {
  let total = 0;
  for (const d of candidates) total += d.state.weight;
  let r = Math.random() * total;
  for (const d of candidates) {
    r -= d.state.weight;
    if (r < 0) return d;
  }
  return candidates[candidates.length - 1]!;
}
