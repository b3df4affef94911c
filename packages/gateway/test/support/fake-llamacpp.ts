/**
 * A fake llama.cpp `llama-server` answering its native routes in the shapes documented in llama.cpp's
 * tools/server/README.md (and `format_response_rerank` in tools/server/server-common.cpp), built on the recording
 * fake upstream. Its "tokenizer" is a word table: token 1 is BOS, each distinct word (or special marker like
 * `<|im_start|>`) gets the next id, and a word is its own piece (with a leading space after the first, as
 * SentencePiece shows it); the word `é` is a piece that is not valid UTF-8 on its own and comes back as bytes.
 *
 * - `GET /v1/models`: `{models: [{name, model, capabilities}], object, data: [{id, object, created, owned_by, meta}]}`
 * - `GET /props`: `{default_generation_settings: {n_ctx}, total_slots, model_path}`
 * - `POST /tokenize` `{content, add_special?, with_pieces?}` → `{tokens: number[] | {id, piece}[]}`
 * - `POST /detokenize` `{tokens}` → `{content}`
 * - `POST /apply-template` `{messages, add_generation_prompt?}` → `{prompt}` (ChatML)
 * - `POST /v1/embeddings` `{input, encoding_format?}` → OpenAI list with `usage`
 * - `POST /rerank` `{query, documents, top_n?}` → `{model, object, usage, results: [{index, relevance_score}]}`,
 *   sorted by score, cut to `top_n` when sent (0 gives none)
 */
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from './fake-upstream.js';

/** The model id the fake serves (`--alias`). */
export const LLAMACPP_MODEL = 'stories-260k';
/** `n_ctx` reported by `/props`. */
export const LLAMACPP_N_CTX = 2048;
/** `meta.n_ctx_train` reported by `/v1/models`. */
export const LLAMACPP_N_CTX_TRAIN = 4096;
/** Dimensions of the fake embeddings. */
export const LLAMACPP_EMBEDDING_DIMS = 4;

const BOS = 1;

/** Options of the fake server. */
export interface FakeLlamaCppOptions {
  /** `capabilities` listed for the model; omitted entirely (an older llama-server) when null. */
  capabilities?: string[] | null;
}

/** Starts the fake llama-server on a random 127.0.0.1 port. */
export async function startFakeLlamaCpp(options: FakeLlamaCppOptions = {}): Promise<FakeUpstream> {
  const vocab = new Map<string, number>();
  const words: string[] = ['', '<s>'];
  const idOf = (word: string) => {
    let id = vocab.get(word);
    if (id === undefined) {
      id = words.length;
      vocab.set(word, id);
      words.push(word);
    }
    return id;
  };
  const tokenize = (text: string, addSpecial: boolean) => {
    const ids = text
      .split(/(<\|[a-z_]+\|>)|\s+/)
      .filter((w): w is string => Boolean(w))
      .map(idOf);
    return addSpecial ? [BOS, ...ids] : ids;
  };
  const capabilities = options.capabilities === undefined ? ['completion'] : options.capabilities;
  const json = (req: RecordedRequest) => req.json as Record<string, unknown>;

  return startFakeUpstream({
    'GET /v1/models': {
      json: {
        ...(capabilities === null
          ? {}
          : {
              models: [
                {
                  name: LLAMACPP_MODEL,
                  model: LLAMACPP_MODEL,
                  type: 'model',
                  capabilities,
                  details: { format: 'gguf' },
                },
              ],
            }),
        object: 'list',
        data: [
          {
            id: LLAMACPP_MODEL,
            object: 'model',
            created: 1735142223,
            owned_by: 'llamacpp',
            meta: { vocab_type: 1, n_vocab: 512, n_ctx_train: LLAMACPP_N_CTX_TRAIN, n_embd: 64 },
          },
        ],
      },
    },
    'GET /props': {
      json: {
        default_generation_settings: { n_ctx: LLAMACPP_N_CTX, params: { n_predict: -1 } },
        total_slots: 1,
        model_path: '/models/stories260K.gguf',
      },
    },
    'POST /tokenize': (req) => {
      const body = json(req);
      const ids = tokenize(String(body.content), body.add_special === true);
      if (body.with_pieces !== true) return { json: { tokens: ids } };
      return {
        json: {
          tokens: ids.map((id, i) => {
            const word = words[id]!;
            if (word === 'é') return { id, piece: [...Buffer.from(word)] };
            return { id, piece: i === 0 || id === BOS ? word : ` ${word}` };
          }),
        },
      };
    },
    'POST /detokenize': (req) => ({
      json: { content: (json(req).tokens as number[]).map((id) => words[id] ?? '').join(' ') },
    }),
    'POST /apply-template': (req) => {
      const body = json(req);
      const turns = (body.messages as { role: string; content: string }[])
        .map((m) => `<|im_start|> ${m.role} ${m.content} <|im_end|>`)
        .join(' ');
      return {
        json: { prompt: body.add_generation_prompt === false ? turns : `${turns} <|im_start|> assistant` },
      };
    },
    'POST /v1/embeddings': (req) => {
      const body = json(req);
      const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
      let tokens = 0;
      const data = inputs.map((text, index) => {
        tokens += tokenize(text, true).length;
        const vector = Array.from({ length: LLAMACPP_EMBEDDING_DIMS }, (_, d) => (text.length + d) / 100);
        const embedding =
          body.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector;
        return { embedding, index, object: 'embedding' };
      });
      return {
        json: {
          model: LLAMACPP_MODEL,
          object: 'list',
          usage: { prompt_tokens: tokens, total_tokens: tokens },
          data,
        },
      };
    },
    'POST /rerank': (req) => {
      const body = json(req);
      const query = new Set(String(body.query).toLowerCase().split(/\W+/));
      const documents = body.documents as string[];
      let tokens = 0;
      const results = documents.map((doc, index) => {
        const docWords = doc.toLowerCase().split(/\W+/).filter(Boolean);
        tokens += tokenize(`${body.query} ${doc}`, true).length;
        const overlap = docWords.filter((w) => query.has(w)).length;
        return { index, relevance_score: overlap / (docWords.length || 1) };
      });
      results.sort((a, b) => b.relevance_score - a.relevance_score);
      const topN = typeof body.top_n === 'number' ? body.top_n : documents.length;
      return {
        json: {
          model: LLAMACPP_MODEL,
          object: 'list',
          usage: { prompt_tokens: tokens, total_tokens: tokens },
          results: results.slice(0, topN),
        },
      };
    },
  });
}
