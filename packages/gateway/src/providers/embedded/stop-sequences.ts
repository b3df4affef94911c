/**
 * Finds stop sequences in streamed text. Text is released only when it can no longer be the start of a
 * stop sequence, so a stop sequence split across tokens never leaks to the client (OpenAI: "the stop text
 * is not included in the output", OpenAI API reference, Create chat completion:
 * https://platform.openai.com/docs/api-reference/chat/create).
 */
export class StopSequenceMatcher {
  private text = '';
  private released = 0;
  private stopped = false;
  private readonly longest: number;

  /** @param stops sequences to stop at (empty strings are ignored) */
  constructor(private readonly stops: readonly string[]) {
    this.longest = stops.reduce((max, s) => Math.max(max, s.length), 0);
  }

  /**
   * Adds generated text.
   * @param check false while stop sequences must not end the text yet (vLLM's `min_tokens`): everything
   *   is released unsearched
   * @returns `text`: newly releasable text; `stopped`: true when a stop sequence was found (the returned
   *   text ends right before it and nothing after it is ever released); `stop`: the sequence found
   */
  push(delta: string, check = true): { text: string; stopped: boolean; stop?: string } {
    if (this.stopped) return { text: '', stopped: true };
    this.text += delta;
    if (this.longest === 0 || !check) return { text: this.take(this.text.length), stopped: false };
    const from = Math.max(0, this.released - this.longest + 1);
    let at = -1;
    let found = '';
    for (const stop of this.stops) {
      if (!stop) continue;
      const i = this.text.indexOf(stop, from);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        found = stop;
      }
    }
    if (at >= 0) {
      this.stopped = true;
      return { text: this.take(at), stopped: true, stop: found };
    }
    return { text: this.take(this.text.length - this.heldBack()), stopped: false };
  }

  /** Releases what was held back as a possible stop-sequence start; '' once a stop sequence was found. */
  flush(): string {
    if (this.stopped) return '';
    return this.take(this.text.length);
  }

  /** Length of the longest suffix of the text that is a proper prefix of some stop sequence. */
  private heldBack(): number {
    for (let len = Math.min(this.longest - 1, this.text.length - this.released); len > 0; len--) {
      const tail = this.text.slice(this.text.length - len);
      if (this.stops.some((s) => s.startsWith(tail))) return len;
    }
    return 0;
  }

  private take(end: number): string {
    const out = end > this.released ? this.text.slice(this.released, end) : '';
    this.released = Math.max(this.released, end);
    return out;
  }
}
