import { splitMessage } from "./text.js";

/**
 * Where a live reply is drawn: the platform's message edit and continuation post. `live` asks
 * for the Stop control on that message; `attach` carries the final answer's files (opaque here).
 */
export interface LiveSurface<A> {
  edit(id: string, text: string, o: { live: boolean; attach?: A }): Promise<void>;
  append(text: string, o: { live: boolean; attach?: A }): Promise<string>;
  /** Removes a continuation the final answer no longer needs (it came out shorter than the stream). */
  remove?(id: string): Promise<void>;
}

export interface LiveOptions {
  /** Characters per message (Discord 2,000, Slack's section block 3,000). */
  limit: number;
  /** At most one edit per this many ms (platform limits are about one a second per message). */
  minIntervalMs: number;
  /**
   * Shared budgets (Slack counts chat.update per workspace); false drops this update.
   * `firstWords`: no words of the answer are on screen yet.
   */
  mayEdit?: (firstWords: boolean) => boolean;
  /**
   * A failed partial edit (429, ratelimited) is only reported; the final answer still goes.
   * A number returned holds further partial edits back that many ms (the platform's retry-after).
   */
  onError?: (err: unknown) => number | undefined;
  /**
   * Told each message the reply opens as soon as it exists, so a retry by any process continues
   * in the same messages instead of posting a part again (the conversation's record in Redis).
   */
  opened?: (index: number, id: string) => Promise<void>;
}

const CURSOR = " ▌";

/**
 * One answer shown while it is written: partial text edits the reply at most once per interval,
 * never while an edit is in flight (an edit held behind a 429 would only delay newer text, so
 * intermediate ones are dropped, each carrying everything so far), and continues in follow-up
 * messages past the platform's limit without breaking words or code blocks. Text that arrives
 * too soon is not lost: the newest is drawn as soon as the interval allows, so the first words
 * are never held back by a status edit just before them. `finish` waits for the edit in flight
 * so a late partial never lands over the answer, then draws the answer.
 */
export class LiveReply<A = never> {
  readonly ids: string[];
  private readonly shown: string[] = [];
  private last = 0;
  private inflight: Promise<void> | undefined;
  private finished = false;
  private wrote = false;
  private wordsShown = false;
  /** The newest text that came too soon, drawn when the interval allows. */
  private pending: { text: string; writing: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Partial edits sent (for benchmarks and tests). */
  edits = 0;

  constructor(
    private readonly surface: LiveSurface<A>,
    /** The message (or messages, when resumed) the reply is drawn into. */
    first: string | readonly string[] | undefined,
    private readonly o: LiveOptions,
  ) {
    this.ids = typeof first === "string" ? [first] : [...(first ?? [])];
  }

  /**
   * Shows `text` (everything written so far, or a status line when `writing` is false) if the
   * limits allow; true when an edit went out.
   */
  show(text: string, writing = true): boolean {
    if (this.finished || !text.trim()) return false;
    if (!writing && this.wrote) return false; // a status line never replaces words already shown
    this.wrote ||= writing;
    const wait = this.last + this.o.minIntervalMs - Date.now();
    if (this.inflight || wait > 0) {
      this.pending = { text, writing };
      if (!this.inflight) this.later(wait);
      return false;
    }
    this.pending = undefined;
    if (this.o.mayEdit && !this.o.mayEdit(writing && !this.wordsShown)) return false;
    this.wordsShown ||= writing;
    this.last = Date.now();
    this.inflight = this.draw(text, writing)
      .catch((err: unknown) => {
        const hold = this.o.onError?.(err);
        if (hold) this.last = Date.now() + hold;
      })
      .finally(() => {
        this.inflight = undefined;
        if (this.pending) this.later(this.last + this.o.minIntervalMs - Date.now());
      });
    return true;
  }

  private later(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const p = this.pending;
        if (p) this.show(p.text, p.writing);
      },
      Math.max(0, ms),
    );
    this.timer.unref();
  }

  /** Ends the stream without drawing an answer (another module draws it): nothing lands after. */
  async settle(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    this.pending = undefined;
    await this.inflight;
  }

  /** Draws the complete answer; `attach` goes on the first or last message. Safe to retry. */
  async finish(text: string, attach?: A, on: "first" | "last" = "last"): Promise<string[]> {
    await this.settle();
    const chunks = splitMessage(text, this.o.limit);
    if (!chunks.length) chunks.push("…");
    for (const [n, chunk] of chunks.entries()) {
      const target = on === "first" ? 0 : chunks.length - 1;
      const o = { live: false, ...(attach !== undefined && n === target ? { attach } : {}) };
      const id = this.ids[n];
      if (id) await this.surface.edit(id, chunk, o);
      else await this.opened(n, await this.surface.append(chunk, o));
      this.shown[n] = chunk;
    }
    for (const extra of this.ids.splice(chunks.length)) await this.surface.remove?.(extra);
    return [...this.ids];
  }

  private async opened(n: number, id: string): Promise<void> {
    this.ids[n] = id;
    await this.o.opened?.(n, id);
  }

  private async draw(text: string, writing: boolean): Promise<void> {
    const chunks = splitMessage(text, this.o.limit - CURSOR.length);
    for (const [n, chunk] of chunks.entries()) {
      const open = n === chunks.length - 1; // the Stop control rides on the newest message
      const body = open && writing ? `${chunk}${CURSOR}` : chunk;
      if (this.shown[n] === body) continue;
      const id = this.ids[n];
      if (id) await this.surface.edit(id, body, { live: open });
      else await this.opened(n, await this.surface.append(body, { live: open }));
      this.shown[n] = body;
      this.edits++;
    }
  }
}
