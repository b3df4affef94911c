/**
 * Responses API tools (OpenAI API reference, Responses, Create a model response, `tools` and `tool_choice`:
 * https://platform.openai.com/docs/api-reference/responses/create) as chat completion tools. `function` tools map
 * one to one; a `namespace` (a named group of functions, as Codex CLI sends them) is flattened to functions named
 * `<namespace>__<name>`, and a call of one comes back as a `function_call` with `namespace` and the inner name.
 * Hosted tools (`web_search`, `file_search`, `code_interpreter`, `computer_use_preview`, `image_generation`,
 * `mcp`, `custom`, …) have no chat equivalent: they are left out and named, so the caller can report them.
 */
import { GatewayError, invalidParam } from '../../core/errors.js';

/** Separator between a namespace and a function name in a flattened chat tool name. */
const NAMESPACE_SEPARATOR = '__';

/** Where a chat tool name came from. */
export interface ToolName {
  name: string;
  namespace?: string;
}

/** The chat tool fields of a Responses request. */
export interface ChatTools {
  /** Chat `tools` (absent when none is left). */
  tools?: Record<string, unknown>[];
  /** Chat `tool_choice`, when the client sent one. */
  toolChoice?: unknown;
  /** The `type` of each hosted tool left out, in request order (each type once). */
  dropped: string[];
  /** Chat tool name → the Responses function (and namespace) it stands for. */
  names: Map<string, ToolName>;
}

/**
 * @throws GatewayError 400 (`tools[i]`) for a function without a name, (`tool_choice`) for a choice that forces a
 *   tool left out or names an unknown function
 */
export function toolsToChat(tools: unknown, toolChoice: unknown): ChatTools {
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) {
    throw invalidParam('tools', "'tools' must be an array");
  }
  const out: Record<string, unknown>[] = [];
  const dropped: string[] = [];
  const names = new Map<string, ToolName>();
  ((tools as unknown[] | undefined) ?? []).forEach((tool, i) => {
    const t = tool as { type?: unknown; name?: unknown; tools?: unknown };
    if (t?.type === 'function') {
      out.push(chatFunction(t, `tools[${i}]`, undefined, names));
    } else if (t?.type === 'namespace') {
      if (typeof t.name !== 'string' || !Array.isArray(t.tools)) {
        throw invalidParam(`tools[${i}]`, `'tools[${i}]' must be a namespace with a name and tools`);
      }
      (t.tools as unknown[]).forEach((inner, j) => {
        const f = inner as { type?: unknown };
        if (f?.type === 'function')
          out.push(chatFunction(f, `tools[${i}].tools[${j}]`, t.name as string, names));
        else addOnce(dropped, `${t.name as string}.${String(f?.type)}`);
      });
    } else if (typeof t?.type === 'string') {
      addOnce(dropped, t.type);
    } else {
      throw invalidParam(`tools[${i}]`, `'tools[${i}]' must be an object with a 'type'`);
    }
  });
  const choice = chatToolChoice(toolChoice, names, dropped);
  return {
    ...(out.length > 0 ? { tools: out } : {}),
    ...(choice !== undefined ? { toolChoice: choice } : {}),
    dropped,
    names,
  };
}

/** The chat name of a Responses function (flattened when it belongs to a namespace). */
export function chatToolName(name: string, namespace: string | undefined): string {
  return namespace ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name;
}

function chatFunction(
  tool: Record<string, unknown>,
  param: string,
  namespace: string | undefined,
  names: Map<string, ToolName>,
): Record<string, unknown> {
  if (typeof tool.name !== 'string' || tool.name === '') {
    throw invalidParam(param, `'${param}' must be a function tool with a name`);
  }
  const name = chatToolName(tool.name, namespace);
  names.set(name, namespace ? { name: tool.name, namespace } : { name: tool.name });
  return {
    type: 'function',
    function: {
      name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      ...(tool.parameters !== undefined && tool.parameters !== null ? { parameters: tool.parameters } : {}),
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}

function chatToolChoice(choice: unknown, names: Map<string, ToolName>, dropped: readonly string[]): unknown {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const c = choice as { type?: unknown; name?: unknown; namespace?: unknown };
  if (c?.type === 'function' && typeof c.name === 'string') {
    const name = chatToolName(c.name, typeof c.namespace === 'string' ? c.namespace : undefined);
    if (!names.has(name)) {
      throw invalidParam(
        'tool_choice',
        `'tool_choice' names the function '${c.name}', which is not in 'tools'`,
      );
    }
    return { type: 'function', function: { name } };
  }
  if (c?.type === 'allowed_tools') {
    const mode = (choice as { mode?: unknown }).mode;
    return mode === 'required' ? 'required' : 'auto';
  }
  if (typeof c?.type === 'string') {
    throw new GatewayError(
      400,
      `'tool_choice' forces the hosted tool '${c.type}', which this model's provider does not run` +
        (dropped.length > 0 ? ` (left out: ${dropped.join(', ')})` : ''),
      { param: 'tool_choice', code: 'unsupported_parameter' },
    );
  }
  throw invalidParam('tool_choice', "'tool_choice' is not a valid tool choice");
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}
