/**
 * Responses created with `background: true` (OpenAI docs, Background mode:
 * https://platform.openai.com/docs/guides/background): answered at once as `queued`, generated without a client
 * connection, saved when done; `POST /v1/responses/{id}/cancel` stops one. Runs live in the process that took
 * the request; a cancel that reaches another replica marks the stored response `cancelled`.
 */
import type { FastifyBaseLogger } from 'fastify';
import { GatewayError } from '../../core/errors.js';
import { chatToResponse } from '../../protocols/responses/chat-to-response.js';
import { responseObject } from '../../protocols/responses/response-object.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { Router } from '../../routing/router.js';
import type { Store } from '../../store/store.js';
import { jsonAnswer } from './json-answer.js';
import { type PreparedRequest, saveResponse } from './prepare-request.js';
import { storedResponse } from './state-routes.js';

/** Statuses of a response that has not ended. */
const RUNNING = new Set(['queued', 'in_progress']);

/** The background responses of this process. */
export class BackgroundResponses {
  private readonly running = new Map<string, AbortSwitch>();

  constructor(
    private readonly router: Router,
    private readonly store: Store,
  ) {}

  /**
   * Saves the response as `queued` and starts generating it.
   * @returns the queued response object
   * @throws StoreUnavailableError 503 when it cannot be saved
   */
  async start(
    prepared: PreparedRequest,
    log: FastifyBaseLogger,
    requestId: string,
  ): Promise<Record<string, unknown>> {
    const queued = responseObject(prepared.context, 'queued', [], null);
    await this.store.responses.save({
      id: prepared.context.id,
      createdAt: prepared.context.createdAt * 1000,
      model: prepared.context.model,
      status: 'queued',
      previousResponseId: (prepared.body.previous_response_id as string | undefined) ?? null,
      request: { ...prepared.body, input: undefined },
      inputItems: prepared.input,
      response: queued,
    });
    const abort = new AbortSwitch();
    this.running.set(prepared.context.id, abort);
    void this.run(prepared, abort, log, requestId).finally(() => this.running.delete(prepared.context.id));
    return queued;
  }

  /**
   * Cancels a background response that has not ended (stopping its generation when it runs here).
   * @returns the response: `cancelled`, or as it ended
   * @throws GatewayError 404 for an unknown id, 400 for a response not created in the background
   */
  async cancel(id: string): Promise<Record<string, unknown>> {
    const stored = await storedResponse(this.store, id);
    if (stored.request.background !== true) {
      throw new GatewayError(400, 'Only responses created with background: true can be cancelled.', {
        type: 'invalid_request_error',
        code: 'invalid_value',
      });
    }
    if (!RUNNING.has(stored.status)) return stored.response;
    this.running.get(id)?.abort(new Error('cancelled'));
    const cancelled = { ...stored.response, status: 'cancelled' };
    await this.store.responses.save({ ...stored, status: 'cancelled', response: cancelled });
    return cancelled;
  }

  private async run(
    prepared: PreparedRequest,
    abort: AbortSwitch,
    log: FastifyBaseLogger,
    requestId: string,
  ) {
    let final: Record<string, unknown>;
    try {
      const routed = await this.router.dispatch({
        endpoint: 'chat.completions',
        body: prepared.translation.chat,
        model: prepared.body.model,
        stream: false,
        client: abort,
        requestId,
      });
      final = chatToResponse(jsonAnswer(routed.response), prepared.context);
    } catch (err) {
      if (abort.aborted) return;
      const error = err instanceof GatewayError ? err : undefined;
      final = responseObject(prepared.context, 'failed', [], null, {
        error: { code: String(error?.code ?? 'server_error'), message: (err as Error).message },
      });
    }
    if (!abort.aborted) await saveResponse(this.store, log, prepared, final);
  }
}
