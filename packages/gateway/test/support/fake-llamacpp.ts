/**
 * A fake llama.cpp `llama-server` answering its native routes in the shapes documented in llama.cpp's
 * tools/server/README.md (and `format_response_rerank` in tools/server/server-common.cpp), built on the recording
 * fake upstream. It tokenizes like llama-server serving `stories260K.gguf`: the model's real SentencePiece
 * vocabulary (ids, pieces and scores read from the GGUF file's `tokenizer.ggml.*` metadata), merged the way
 * llama.cpp's SPM tokenizer does (a space prefix, spaces as `▁`, highest-scoring adjacent pair first, bytes
 * not in the vocabulary as `<0xHH>` byte-fallback tokens). A byte-fallback piece is not valid UTF-8 on its own
 * and comes back as a byte array, as llama-server sends it.
 *
 * While loading (`loading: true` until {@link FakeLlamaCpp.finishLoading}) every route but the model listings
 * answers 503 `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`, as llama-server's
 * server-state middleware does (tools/server/server.cpp, `format_error_response("Loading model",
 * ERROR_TYPE_UNAVAILABLE)`).
 *
 * - `GET /v1/models`: `{models: [{name, model, capabilities}], object, data: [{id, object, created, owned_by, meta}]}`
 * - `GET /props`: `{default_generation_settings: {n_ctx}, total_slots, model_path}`
 * - `GET /health`: `{status: "ok"}`
 * - `POST /tokenize` `{content, add_special?, with_pieces?}` → `{tokens: number[] | {id, piece}[]}`
 * - `POST /detokenize` `{tokens}` → `{content}` (each token's piece, `▁` as a space)
 * - `POST /apply-template` `{messages, add_generation_prompt?}` → `{prompt}` (ChatML)
 * - `POST /v1/embeddings` `{input, encoding_format?}` → OpenAI list with `usage`
 * - `POST /rerank` `{query, documents, top_n?}` → `{model, object, usage, results: [{index, relevance_score}]}`,
 *   sorted by score, cut to `top_n` when sent (0 gives none)
 */
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import {
  type FakeHandler,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from './fake-upstream.js';
import { MODELS_DIR } from './gateway-process.js';

/** The model id the fake serves (`--alias`). */
export const LLAMACPP_MODEL = 'stories-260k';
/** `n_ctx` reported by `/props`. */
export const LLAMACPP_N_CTX = 2048;
/** `meta.n_ctx_train` reported by `/v1/models`. */
export const LLAMACPP_N_CTX_TRAIN = 4096;
/** Dimensions of the fake embeddings. */
export const LLAMACPP_EMBEDDING_DIMS = 4;

/** The GGUF file whose tokenizer the fake uses. */
export const LLAMACPP_GGUF = join(MODELS_DIR, 'stories260K.gguf');

/** Options of the fake server. */
export interface FakeLlamaCppOptions {
  /** `capabilities` listed for the model; omitted entirely (an older llama-server) when null. */
  capabilities?: string[] | null;
  /** Start in the loading state (503 "Loading model") until {@link FakeLlamaCpp.finishLoading}. */
  loading?: boolean;
}

/** A running fake llama-server. */
export interface FakeLlamaCpp extends FakeUpstream {
  /** Ends the loading state: routes answer normally from now on. */
  finishLoading(): void;
}

/** llama-server's answer while the model loads. */
const LOADING: { status: number; json: unknown } = {
  status: 503,
  json: { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } },
};
/** Routes llama-server serves while loading. */
const SERVED_WHILE_LOADING = new Set(['GET /models', 'GET /v1/models', 'GET /api/tags']);

/** A SentencePiece vocabulary as llama.cpp reads it from GGUF metadata. */
interface SpmVocab {
  pieces: string[];
  scores: number[];
  ids: Map<string, number>;
  bos: number;
}

async function loadVocab(): Promise<SpmVocab> {
  const info = await readGgufFileInfo(LLAMACPP_GGUF);
  const ggml = (info.metadata as { tokenizer: { ggml: Record<string, unknown> } }).tokenizer.ggml;
  const pieces = ggml.tokens as string[];
  return {
    pieces,
    scores: ggml.scores as number[],
    ids: new Map(pieces.map((p, i) => [p, i])),
    bos: ggml.bos_token_id as number,
  };
}

/**
 * llama.cpp's SPM tokenization (`llm_tokenizer_spm`): the text with a space prefix and spaces as `▁` is
 * split into characters; the adjacent pair whose concatenation is a vocabulary piece with the highest score
 * is merged (leftmost on ties) until none is left; characters still unknown become byte tokens `<0xHH>`.
 */
function spmTokenize(vocab: SpmVocab, text: string): number[] {
  if (text === '') return [];
  const symbols = [...` ${text}`.replaceAll(' ', '▁')];
  for (;;) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const id = vocab.ids.get(symbols[i]! + symbols[i + 1]!);
      if (id !== undefined && vocab.scores[id]! > bestScore) {
        best = i;
        bestScore = vocab.scores[id]!;
      }
    }
    if (best === -1) break;
    symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
  }
  return symbols.flatMap((symbol) => {
    const id = vocab.ids.get(symbol);
    if (id !== undefined) return [id];
    return [...Buffer.from(symbol)].map(
      (b) => vocab.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)!,
    );
  });
}

/** The bytes a token stands for (`common_token_to_piece`): `▁` as a space, `<0xHH>` as that byte. */
function pieceBytes(vocab: SpmVocab, id: number): Buffer {
  const piece = vocab.pieces[id] ?? '';
  const byte = /^<0x([0-9A-F]{2})>$/.exec(piece);
  if (byte) return Buffer.from([Number.parseInt(byte[1]!, 16)]);
  return Buffer.from(piece.replaceAll('▁', ' '));
}

/** Starts the fake llama-server on a random 127.0.0.1 port. */
export async function startFakeLlamaCpp(options: FakeLlamaCppOptions = {}): Promise<FakeLlamaCpp> {
  const vocab = await loadVocab();
  const tokenize = (text: string, addSpecial: boolean) => {
    const ids = spmTokenize(vocab, text);
    return addSpecial ? [vocab.bos, ...ids] : ids;
  };
  let loading = options.loading === true;
  const capabilities = options.capabilities === undefined ? ['completion'] : options.capabilities;
  const json = (req: RecordedRequest) => req.json as Record<string, unknown>;

  const routes: Record<string, FakeHandler> = {
    'GET /health': { json: { status: 'ok' } },
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
          tokens: ids.map((id) => {
            const bytes = pieceBytes(vocab, id);
            const text = bytes.toString('utf8');
            return { id, piece: Buffer.from(text).equals(bytes) ? text : [...bytes] };
          }),
        },
      };
    },
    'POST /detokenize': (req) => ({
      json: {
        content: Buffer.concat((json(req).tokens as number[]).map((id) => pieceBytes(vocab, id))).toString(
          'utf8',
        ),
      },
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
  };
  const whileLoading: Record<string, FakeHandler> = {};
  for (const [key, handler] of Object.entries(routes)) {
    whileLoading[key] = (req) => {
      if (loading && !SERVED_WHILE_LOADING.has(key)) return LOADING;
      return typeof handler === 'function' ? handler(req) : handler;
    };
  }
  const server = await startFakeUpstream(whileLoading);
  return {
    ...server,
    finishLoading: () => {
      loading = false;
    },
  };
}
