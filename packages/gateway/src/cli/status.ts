/**
 * `switchyard status [--url] [--api-key] [--watch [SECONDS]]`: a running gateway's providers, deployments
 * (state, cooldowns, load) and each model's last minute (requests/s, errors, latency, time to first token,
 * tokens/s), from `GET /health/providers` and `GET /-/requests`; `--watch` redraws it every few seconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigStatus } from '../http/config-routes.js';
import type { ProviderStatus } from '../routing/model-registry.js';
import type { ModelRates } from '../telemetry/request-log.js';
import { type GatewayClientOptions, gatewayTarget } from './ollama-listing.js';
import { renderTable } from './table.js';

/** Options of `switchyard status`. */
export interface StatusOptions extends GatewayClientOptions {
  /** Redraw every this many seconds (`true`: 2). */
  watch?: boolean | string;
}

/** Prints the status once, or every `--watch` seconds until interrupted. Exits 1 when the gateway fails. */
export async function statusCommand(options: StatusOptions): Promise<void> {
  if (options.watch === undefined || options.watch === false) {
    process.stdout.write(`${await renderStatus(options)}\n`);
    return;
  }
  const seconds = options.watch === true ? 2 : Number(options.watch);
  if (!(seconds > 0)) fail(`invalid --watch interval '${options.watch}'`);
  for (;;) {
    const text = await renderStatus(options);
    process.stdout.write(`\x1b[2J\x1b[H${text}\n`);
    await sleep(seconds * 1000);
  }
}

/** The status as text. */
export async function renderStatus(options: GatewayClientOptions): Promise<string> {
  const target = gatewayTarget(options);
  const [health, log] = await Promise.all([
    getJson(target, '/health/providers') as Promise<{ providers: ProviderStatus[]; config?: ConfigStatus }>,
    getJson(target, '/-/requests?limit=0') as Promise<{ window_s: number; models: ModelRates[] }>,
  ]);
  const lines = [`Switchyard at ${target.url}`];
  if (health.config) {
    const { config } = health;
    lines.push(
      `config generation ${config.generation} (${config.file ?? 'no file'}), loaded ${config.loaded_at}`,
    );
    if (config.last_reload && !config.last_reload.ok) {
      lines.push(`LAST RELOAD REFUSED (${config.last_reload.at}, ${config.last_reload.trigger}):`);
      for (const l of (config.last_reload.error ?? '').split('\n')) lines.push(`  ${l}`);
    }
  }
  lines.push(
    '',
    renderTable(
      ['PROVIDER', 'TYPE', 'STATE', 'REACHABLE', 'IN FLIGHT', 'ERROR RATE', 'LAST ERROR'],
      health.providers.map((p) => [
        p.id,
        p.type,
        p.state,
        p.reachable ? 'yes' : 'no',
        String(p.in_flight),
        `${(p.recent.error_rate * 100).toFixed(1)}%`,
        p.last_error ?? '',
      ]),
    ),
    '',
  );
  const deployments = health.providers.flatMap((p) => p.deployments.map((d) => ({ provider: p.id, ...d })));
  lines.push(
    deployments.length === 0
      ? 'No deployments have seen traffic yet.'
      : renderTable(
          ['MODEL', 'PROVIDER', 'UPSTREAM MODEL', 'STATE', 'IN FLIGHT', 'QUEUED', 'COOLDOWN UNTIL', 'REASON'],
          deployments.map((d) => [
            d.model,
            d.provider,
            d.upstream_model,
            d.state,
            String(d.in_flight),
            String(d.queued),
            d.cooldown_until ?? '',
            d.cooldown_reason ?? '',
          ]),
        ),
    '',
  );
  lines.push(
    log.models.length === 0
      ? `No requests in the last ${log.window_s} s.`
      : renderTable(
          ['MODEL', 'REQ/S', 'REQUESTS', 'ERRORS', 'P50 MS', 'P95 MS', 'TTFT P50 MS', 'TOKENS/S'],
          log.models.map((m) => [
            m.model,
            m.requests_per_s.toFixed(2),
            String(m.requests),
            String(m.errors),
            m.p50_ms.toFixed(1),
            m.p95_ms.toFixed(1),
            m.ttft_p50_ms === null ? '' : m.ttft_p50_ms.toFixed(1),
            m.completion_tokens_per_s.toFixed(1),
          ]),
        ),
  );
  if (log.models.length > 0) lines.push(`(last ${log.window_s} s)`);
  return lines.join('\n');
}

async function getJson(target: { url: string; apiKey?: string }, path: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
    });
  } catch (err) {
    fail(`cannot reach the gateway at ${target.url}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } | string };
  if (!res.ok) {
    const message = typeof body.error === 'string' ? body.error : body.error?.message;
    fail(`${path}: ${res.status} ${message ?? ''}`.trim());
  }
  return body;
}

function fail(message: string): never {
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(1);
}
