import { invalidParam } from '../../core/errors.js';
import { newId, unixSeconds } from '../../core/ids.js';
import type { ProviderRequest, ProviderResponse } from '../provider.js';
import { readChatExtras, replyRole } from './chat-extras.js';
import { normalizeMessages } from './chat-template.js';
import { type ChoiceResult, collectChoice, interleave, usage } from './choices.js';
import { assertFitsContext, clampToContext } from './context-limit.js';
import type { ModelEngine } from './engine.js';
import { ForcedToolCallStream, readForcedToolCall, type ToolCall } from './forced-tool-call.js';
import { type GenerationEvent, generate } from './generate.js';
import { chatOutputPlan } from './grammar.js';
import { withGuide } from './guided-decoding.js';
import { readGenerationParams } from './params.js';
import { promptLogprobs } from './prompt-logprobs.js';
import { type ParsedPiece, parseToolCalls, toolCallParser } from './tool-call-parsers.js';

/**
 * `POST /v1/chat/completions` on a loaded model (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create): the messages go through the model's chat template, `n`
 * choices are generated in parallel, and the answer is a `chat.completion` object or a stream of
 * `chat.completion.chunk` objects (role delta first, content deltas, a finish chunk per choice, then the usage chunk
 * when `stream_options.include_usage` is set).
 *
 * With a forced tool call the reply is `tool_calls` (finish_reason `tool_calls`, or `length` with the
 * arguments written so far when `max_tokens` cuts it); a stream sends the call's id and name as soon as the
 * name is complete, then its arguments as incremental deltas (forced-tool-call.ts). vLLM's extras
 * (chat-extras.ts, params.ts, guided-decoding.ts) shape the prompt, the ending and the output.
 * Under `clampMaxTokens` (the `/v1/messages` ingress) a `max_tokens` over what the context leaves after the
 * prompt is lowered to what is left.
 * @throws GatewayError 400 for invalid fields (with `param`) and for a prompt that does not fit the context
 */
export async function chatCompletion(engine: ModelEngine, req: ProviderRequest): Promise<ProviderResponse> {
  const body = req.body;
  const params = readGenerationParams(body);
  const extras = readChatExtras(body);
  const topLogprobs = readChatLogprobs(body);
  const plan = await chatOutputPlan(engine, body);
  const constraint = await withGuide(engine, body, plan.constraint);
  const prompt = engine.applyChatTemplate(body.messages, {
    ...(plan.promptTools ? { tools: plan.promptTools } : {}),
    addGenerationPrompt: extras.addGenerationPrompt,
    continueFinalMessage: extras.continueFinalMessage,
    kwargs: extras.kwargs,
  });
  const maxTokens = req.clampMaxTokens
    ? clampToContext(engine.contextSize, prompt.tokens.length, params.maxTokens)
    : params.maxTokens;
  assertFitsContext(engine.contextSize, prompt.tokens.length, maxTokens, 'messages');
  const { role, echoed } = replyRole(normalizeMessages(body.messages), extras);
  const toolNames = constraint.kind === 'tool_call' ? constraint.names : undefined;
  const parallel = body.parallel_tool_calls !== false;
  const format = !toolNames && plan.promptTools ? engine.template.toolCallFormat : undefined;
  const run = (index: number) =>
    generate({
      engine,
      promptTokens: prompt.tokens,
      sampling: params.sampling,
      ending: params.ending,
      choiceIndex: index,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      stop: params.stop,
      endOfTurn: engine.template.endOfTurn ? [engine.template.endOfTurn] : [],
      ...(constraint.kind === 'text'
        ? {}
        : { grammar: { grammar: constraint.grammar, json: constraint.kind !== 'grammar' } }),
      ...(topLogprobs !== undefined ? { topLogprobs } : {}),
      signal: req.abort.signal,
    });
  const head = { id: newId('chatcmpl-'), created: unixSeconds(), model: req.clientModel };
  const choices = Array.from({ length: params.n }, (_, i) => i);

  if (!params.stream) {
    const promptLogprobsList =
      params.promptLogprobs === undefined
        ? undefined
        : await promptLogprobs(engine, prompt.tokens, params.promptLogprobs, req.abort.signal);
    const results = await Promise.all(choices.map((i) => collectChoice(run(i))));
    const completionTokens = results.reduce((sum, r) => sum + r.completionTokens, 0);
    return {
      kind: 'json',
      status: 200,
      body: {
        ...head,
        object: 'chat.completion',
        choices: results.map((r, index) => {
          const parsed = format ? parseToolCalls(format, parallel, r.text) : undefined;
          if (parsed && parsed.toolCalls.length > 0) {
            return {
              index,
              message: { role, content: parsed.content, refusal: null, tool_calls: parsed.toolCalls },
              logprobs: null,
              finish_reason: r.finishReason === 'stop' ? 'tool_calls' : r.finishReason,
              stop_reason: r.stopReason,
            };
          }
          return chatChoice(
            { ...r, text: echoed + r.text },
            index,
            role,
            toolNames,
            topLogprobs !== undefined,
          );
        }),
        usage: usage(prompt.tokens.length, completionTokens),
        ...(promptLogprobsList ? { prompt_logprobs: promptLogprobsList } : {}),
      },
    };
  }

  const chunk = (choicesPart: unknown[], extra: Record<string, unknown> = {}) => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: choicesPart,
    ...(params.includeUsage ? { usage: null } : {}),
    ...extra,
  });
  async function* stream(): AsyncGenerator<unknown> {
    for (const index of choices) {
      yield chunk([
        {
          index,
          delta: { role, content: toolNames ? null : '' },
          logprobs: null,
          finish_reason: null,
        },
      ]);
      if (echoed && !toolNames) {
        yield chunk([{ index, delta: { content: echoed }, logprobs: null, finish_reason: null }]);
      }
    }
    const calls = choices.map(() => new ForcedToolCallStream());
    const parsers = choices.map(() => (format ? toolCallParser(format, parallel) : undefined));
    const called = choices.map(() => false);
    const parsedChunk = (index: number, piece: ParsedPiece) => {
      const delta: Record<string, unknown> = {};
      if (piece.content) delta.content = piece.content;
      if (piece.toolCalls.length > 0) {
        delta.tool_calls = piece.toolCalls;
        called[index] = true;
      }
      return Object.keys(delta).length > 0
        ? chunk([{ index, delta, logprobs: null, finish_reason: null }])
        : undefined;
    };
    let completionTokens = 0;
    for await (const { source: index, value } of interleave<GenerationEvent>(choices.map(run))) {
      if (value.type === 'delta') {
        if (toolNames) {
          const deltas = calls[index]!.push(value.text);
          if (deltas.length > 0) {
            yield chunk([{ index, delta: { tool_calls: deltas }, logprobs: null, finish_reason: null }]);
          }
          continue;
        }
        const parser = parsers[index];
        if (parser) {
          const parsed = parsedChunk(index, parser.push(value.text));
          if (parsed) yield parsed;
          continue;
        }
        const logprobs = topLogprobs === undefined ? null : { content: value.logprobs, refusal: null };
        yield chunk([{ index, delta: { content: value.text }, logprobs, finish_reason: null }]);
        continue;
      }
      completionTokens += value.completionTokens;
      let finishReason: string = value.finishReason;
      if (toolNames) {
        const deltas = calls[index]!.finish(toolNames);
        if (deltas.length > 0) {
          yield chunk([{ index, delta: { tool_calls: deltas }, logprobs: null, finish_reason: null }]);
        }
        if (finishReason === 'stop') finishReason = 'tool_calls';
      }
      const parser = parsers[index];
      if (parser) {
        const parsed = parsedChunk(index, parser.finish());
        if (parsed) yield parsed;
        if (called[index] && finishReason === 'stop') finishReason = 'tool_calls';
      }
      yield chunk([
        { index, delta: {}, logprobs: null, finish_reason: finishReason, stop_reason: value.stopReason },
      ]);
    }
    if (params.includeUsage) yield chunk([], { usage: usage(prompt.tokens.length, completionTokens) });
  }
  return { kind: 'chunks', chunks: stream(), promptTokens: prompt.tokens.length };
}

/**
 * `logprobs` / `top_logprobs` of a chat request (OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create).
 * @returns the number of alternatives to report, or undefined when logprobs are off
 * @throws GatewayError 400 when `top_logprobs` is outside 0–20 or sent without `logprobs: true`
 */
function readChatLogprobs(body: Record<string, unknown>): number | undefined {
  const top = body.top_logprobs ?? undefined;
  if (top !== undefined && (typeof top !== 'number' || !Number.isInteger(top) || top < 0 || top > 20)) {
    throw invalidParam('top_logprobs', "'top_logprobs' must be an integer from 0 to 20");
  }
  if (body.logprobs !== true) {
    if (top !== undefined && top > 0)
      throw invalidParam('top_logprobs', "'top_logprobs' requires 'logprobs: true'");
    return undefined;
  }
  return top ?? 0;
}

function chatChoice(
  result: ChoiceResult,
  index: number,
  role: string,
  toolNames: readonly string[] | undefined,
  withLogprobs: boolean,
) {
  if (toolNames) {
    const call: ToolCall | undefined = readForcedToolCall(result.text, toolNames);
    return {
      index,
      message: { role, content: null, refusal: null, tool_calls: call ? [call] : [] },
      logprobs: null,
      finish_reason: result.finishReason === 'length' ? 'length' : 'tool_calls',
      stop_reason: result.stopReason,
    };
  }
  return {
    index,
    message: { role, content: result.text, refusal: null },
    logprobs: withLogprobs ? { content: result.logprobs, refusal: null } : null,
    finish_reason: result.finishReason,
    stop_reason: result.stopReason,
  };
}
