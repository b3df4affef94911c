import { z } from 'zod';
import { durationMs } from './units.js';

/** OpenAI keeps stored responses and chat completions for 30 days (OpenAI docs, Conversation state). */
const THIRTY_DAYS_MS = 30 * 86_400_000;

/** `store:` settings: where stored responses and chat completions (and later keys and budgets) live. */
export const StoreSchema = z.strictObject({
  /**
   * `postgres://user:pass@host:port/db` for PostgreSQL; `sqlite:///abs/file.db`, `sqlite:rel/file.db` (against the
   * config's folder) or `sqlite::memory:` for SQLite. Default: `switchyard.db` beside the config file.
   */
  url: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'use postgres://… or sqlite:…')
    .optional(),
  /** How long stored rows are kept (`30d`, `12h`, ms); 0 keeps them until deleted. Default 30 days. */
  retention: durationMs.default(THIRTY_DAYS_MS),
});

export type StoreConfig = z.infer<typeof StoreSchema>;
