/**
 * `POST /v1/responses/input_tokens` (OpenAI API reference, Responses, Get input token counts:
 * https://platform.openai.com/docs/api-reference/responses/input-tokens): the request (with its
 * `previous_response_id` conversation) translated to chat as for a create, then counted by the model's provider
 * through vLLM's tokenizer route (`/tokenize` with `messages` and `tools`, rendered with the model's chat
 * template: vLLM docs, Tokenizer API, https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api).
 */
import type { FastifyRequest } from 'fastify';
import { UpstreamError } from '../../core/errors.js';
import { AbortSwitch } from '../../providers/abort-switch.js';
import type { ResponsesDeps } from './create-route.js';
import { jsonAnswer } from './json-answer.js';
import { prepareRequest } from './prepare-request.js';

/**
 * @returns `{object: "response.input_tokens", input_tokens}`
 * @throws GatewayError as for a create; 400 `unsupported_endpoint` from a provider that cannot tokenize
 */
export async function countInputTokens(request: FastifyRequest, deps: ResponsesDeps): Promise<unknown> {
  const prepared = await prepareRequest(request.body, deps.store, request.log, false);
  const { chat } = prepared.translation;
  const routed = await deps.router.dispatch({
    endpoint: 'tokenize',
    body: { model: chat.model, messages: chat.messages, ...(chat.tools ? { tools: chat.tools } : {}) },
    model: prepared.body.model,
    stream: false,
    client: new AbortSwitch(),
    requestId: request.id,
  });
  const count = (jsonAnswer(routed.response) as { count?: unknown }).count;
  if (typeof count !== 'number') {
    throw new UpstreamError(502, 'the provider did not report a token count', { failure: 'protocol' });
  }
  return { object: 'response.input_tokens', input_tokens: count };
}
