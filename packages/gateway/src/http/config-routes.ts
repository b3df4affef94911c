import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../core/errors.js';

/** Where the running config came from and how its last reload went, as `/health/providers` shows it. */
export interface ConfigStatus {
  /** The config file (absolute path), or null when the gateway was started from a config object. */
  file: string | null;
  /** 1 for the config the gateway started with, +1 per successful reload. */
  generation: number;
  /** ISO 8601 time the running config was loaded. */
  loaded_at: string;
  /** The last reload attempt, or null before the first. */
  last_reload: {
    /** ISO 8601. */
    at: string;
    /** What asked for it: `SIGHUP`, `watch` (the file changed), `api` (`POST /-/reload`). */
    trigger: ReloadTrigger;
    ok: boolean;
    /** Why the new file was refused (every bad field, one per line); null when it was applied. */
    error: string | null;
    /** `server:` / `store:` fields that changed but take effect only after a restart. */
    restart_required: string[];
  } | null;
}

/** What asked for a reload. */
export type ReloadTrigger = 'SIGHUP' | 'watch' | 'api';

/** The running config's control (implemented by the composition layer, hot-reload.ts). */
export interface ConfigControl {
  status(): ConfigStatus;
  /** Reads, validates and applies the config file; never throws (a refusal is in the returned status). */
  reload(trigger: ReloadTrigger): Promise<ConfigStatus>;
}

/**
 * `POST /-/reload` (the lifecycle endpoint Prometheus uses for the same job): reloads the config file as
 * SIGHUP does and answers the resulting {@link ConfigStatus} with 200, or the OpenAI error envelope with 400
 * `config_invalid` naming every bad field (the old config keeps running), or 409
 * `config_reload_unavailable` when the gateway was not started from a file. Behind the API key like every
 * route but `/health`.
 * @returns the registered path with its method
 */
export function registerConfigRoutes(app: FastifyInstance, control: ConfigControl): Map<string, string[]> {
  app.post('/-/reload', async () => {
    if (control.status().file === null) {
      throw new GatewayError(409, 'The gateway was not started from a config file; nothing to reload', {
        code: 'config_reload_unavailable',
      });
    }
    const status = await control.reload('api');
    if (!status.last_reload?.ok) {
      throw new GatewayError(
        400,
        `The config file was refused; the running config is unchanged:\n${status.last_reload?.error}`,
        {
          code: 'config_invalid',
        },
      );
    }
    return status;
  });
  return new Map([['/-/reload', ['POST']]]);
}
