/**
 * vLLM's chat-style requests with the `openai` SDK's message and tool types. The shapes are those of
 * `@switchyard/wire` (vLLM docs, Tokenizer API and Pooling API:
 * https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api); only `messages` and `tools`
 * are narrowed.
 */
import type {
  PoolingParams as WirePoolingParams,
  TokenizeChatParams as WireTokenizeChatParams,
  TokenizeParams as WireTokenizeParams,
  VllmChatInput as WireVllmChatInput,
} from '@switchyard/wire';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

/** Chat-style input of `/tokenize` and `/pooling`: `messages` and `tools` as in a chat completion request. */
export type VllmChatInput = WireVllmChatInput<ChatCompletionMessageParam, ChatCompletionTool>;
/** `POST /tokenize`, chat style: the messages after the chat template. */
export type TokenizeChatParams = WireTokenizeChatParams<ChatCompletionMessageParam, ChatCompletionTool>;
/** `POST /tokenize`, completion or chat style. */
export type TokenizeParams = WireTokenizeParams<ChatCompletionMessageParam, ChatCompletionTool>;
/** `POST /pooling`: `input` (completion form) or `messages` (chat form). */
export type PoolingParams = WirePoolingParams<ChatCompletionMessageParam, ChatCompletionTool>;
