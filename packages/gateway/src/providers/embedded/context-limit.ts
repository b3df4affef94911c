import { GatewayError } from '../../core/errors.js';

/**
 * Refuses a request that cannot fit one sequence of the model's context, worded as vLLM words it (vLLM
 * `OpenAIServing._validate_input`, "OpenAI-Compatible Server":
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html), so clients that parse vLLM's
 * message keep working:
 * - a prompt of `contextSize` tokens or more leaves no room to generate: "… However, you requested P tokens
 *   in the messages, Please reduce the length of the messages.";
 * - prompt plus `maxTokens` over `contextSize`: "This model's maximum context length is N tokens. However,
 *   you requested M tokens (P in the messages, C in the completion). Please reduce the length of the
 *   messages or completion."
 * vLLM says "messages" for completions prompts too; so does this.
 * @param contextSize tokens one sequence holds (prompt plus completion)
 * @param promptTokens the prompt's length in tokens
 * @param maxTokens the completion budget in tokens; undefined: whatever room the context leaves
 * @param param request field named in the error (`messages`, `prompt`)
 * @throws GatewayError 400 `context_length_exceeded`
 */
export function assertFitsContext(
  contextSize: number,
  promptTokens: number,
  maxTokens: number | undefined,
  param: string,
): void {
  if (promptTokens >= contextSize) {
    throw new GatewayError(
      400,
      `This model's maximum context length is ${contextSize} tokens. However, you requested ${promptTokens} tokens in the messages, Please reduce the length of the messages.`,
      { param, code: 'context_length_exceeded' },
    );
  }
  if (maxTokens !== undefined && promptTokens + maxTokens > contextSize) {
    throw new GatewayError(
      400,
      `This model's maximum context length is ${contextSize} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
      { param, code: 'context_length_exceeded' },
    );
  }
}

/**
 * A completion budget lowered to what one sequence of the context leaves after the prompt.
 * @param contextSize tokens one sequence holds (prompt plus completion)
 * @param promptTokens the prompt's length in tokens
 * @param maxTokens the requested budget in tokens; undefined: whatever room the context leaves
 * @returns `maxTokens`, or `contextSize - promptTokens` when that is smaller (a prompt that fills the context
 *   is left to {@link assertFitsContext} to refuse)
 */
export function clampToContext(
  contextSize: number,
  promptTokens: number,
  maxTokens: number | undefined,
): number | undefined {
  if (maxTokens === undefined || promptTokens >= contextSize) return maxTokens;
  return Math.min(maxTokens, contextSize - promptTokens);
}
