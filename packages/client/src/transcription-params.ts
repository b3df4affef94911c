/** The request of `audio.transcriptions.create` (OpenAI API reference, Create transcription:
 * https://platform.openai.com/docs/api-reference/audio/createTranscription). */
import type { FileSource } from './file-source.js';

/** A transcription request: the SDK's fields with `file` as a path, bytes or a stream. */
export interface TranscriptionParams {
  file: FileSource;
  model?: string;
  language?: string;
  prompt?: string;
  response_format?: 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';
  temperature?: number;
  timestamp_granularities?: Array<'word' | 'segment'>;
  [field: string]: unknown;
}
