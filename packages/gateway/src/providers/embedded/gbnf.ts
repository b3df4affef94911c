import type { LlamaGrammar } from 'node-llama-cpp';
import { invalidParam } from '../../core/errors.js';
import type { ModelEngine } from './engine.js';
import { loadedLlamaModule } from './llama-module.js';

/**
 * Compiles GBNF text, checking it parses (llama.cpp reports a bad grammar only when it is first used).
 * @throws GatewayError 400 naming `param` when llama.cpp cannot parse the grammar
 */
export async function gbnfGrammar(engine: ModelEngine, gbnf: string, param: string): Promise<LlamaGrammar> {
  try {
    const grammar = await engine.llama.createGrammar({ grammar: gbnf });
    new (loadedLlamaModule().LlamaGrammarEvaluationState)({ model: engine.model, grammar });
    return grammar;
  } catch (err) {
    throw invalidParam(param, `'${param}' is not a grammar llama.cpp can parse: ${(err as Error).message}`);
  }
}
