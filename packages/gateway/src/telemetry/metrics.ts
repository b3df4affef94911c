/**
 * Prometheus metrics of one gateway instance (prom-client, on its own registry so that several gateways in
 * one process do not share series), exposed on `GET /metrics` in the text exposition format.
 */
import { Histogram, Registry } from 'prom-client';
import type { Endpoint } from '../providers/provider.js';

/**
 * Bucket bounds in seconds for the gateway's own overhead: 25 µs to 100 ms, dense below 1 ms where a
 * passthrough request lands.
 */
const OVERHEAD_BUCKETS = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1,
];

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly overhead = new Histogram({
    name: 'switchyard_overhead_seconds',
    help:
      'Time the gateway spent on a request that was not spent waiting for the upstream (response headers ' +
      'and body), per endpoint, in seconds',
    labelNames: ['endpoint'] as const,
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  private readonly byEndpoint = new Map<
    Endpoint | 'messages' | 'responses' | 'ollama',
    Histogram.Internal<'endpoint'>
  >();

  /**
   * Records one request's overhead.
   * @param ms milliseconds (the histogram is in seconds)
   */
  observeOverhead(endpoint: Endpoint | 'messages' | 'responses' | 'ollama', ms: number): void {
    let child = this.byEndpoint.get(endpoint);
    if (!child) {
      child = this.overhead.labels({ endpoint });
      this.byEndpoint.set(endpoint, child);
    }
    child.observe(ms / 1000);
  }

  /** The exposition text and its content type (`text/plain; version=0.0.4`). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
