/**
 * Ollama models as OpenAI models (Ollama API docs: https://github.com/ollama/ollama/blob/main/docs/api.md; Ollama
 * docs, OpenAI compatibility: https://docs.ollama.com/api/openai-compatibility): `/api/tags` becomes a models page
 * that keeps the native `models` array next to OpenAI's `data`; `/api/show` answers `models.retrieve`.
 */

import type { OllamaModel } from '@switchyard/wire';
import type { OpenAI } from 'openai';
import { Page } from 'openai/pagination';
import type { Model } from 'openai/resources/models';
import { unixSeconds } from './common.js';

/**
 * The page `models.list()` resolves to on Ollama: `data` holds OpenAI `Model`s (`id` = name, `created` =
 * `modified_at` in Unix seconds, `owned_by` = namespace or `library`), `models` the `/api/tags` entries.
 */
type FinalRequestOptions = ConstructorParameters<typeof Page<Model>>[3];

export class OllamaModelsPage extends Page<Model> {
  models: OllamaModel[];

  constructor(
    client: OpenAI,
    response: Response,
    body: { models?: OllamaModel[] },
    options: FinalRequestOptions,
  ) {
    const models = body.models ?? [];
    super(
      client,
      response,
      { object: 'list', data: models.map((m) => toModel(m.name, m.modified_at)) },
      options,
    );
    this.models = models;
  }
}

/**
 * An OpenAI `Model` for an Ollama model name; the namespace is `owned_by` (`library` when none, Ollama docs, OpenAI
 * compatibility).
 */
export function toModel(name: string, modifiedAt: string | undefined): Model {
  const slash = name.lastIndexOf('/');
  const namespace = slash === -1 ? 'library' : name.slice(0, slash).split('/').pop() || 'library';
  return { id: name, object: 'model', created: unixSeconds(modifiedAt), owned_by: namespace };
}
