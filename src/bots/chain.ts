import type { HistoryTurn } from "../core/jobs.js";

/** One earlier turn of a conversation as a platform shows it: who said what, with which images. */
export interface ChainTurn<F> {
  role: "user" | "assistant";
  content: string;
  files: F[];
}

/** Which images a request takes, and how many it left out (this message's own, earlier turns'). */
export interface PickedImages<F> {
  history: HistoryTurn[];
  files: F[];
  leftOut: number;
  ownLeftOut: number;
}

/**
 * A conversation's images within `max` per request: this turn's own first (the first `max` of
 * them, as a message may carry more than a request takes), then the earlier turns' newest first,
 * the oldest left out. `files` lists them as the job carries them (earlier turns' in turn order,
 * then this turn's) and `history` says which turn each belongs to.
 */
export function conversationImages<F>(turns: ChainTurn<F>[], all: F[], max: number): PickedImages<F> {
  const own = all.slice(0, Math.max(0, max));
  let room = Math.max(0, max - own.length);
  let leftOut = 0;
  const kept: F[][] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const files = turns[i]?.files ?? [];
    // Within a turn the later images are the newer ones as well.
    const take = Math.min(room, files.length);
    kept[i] = files.slice(files.length - take);
    leftOut += files.length - take;
    room -= take;
  }
  const history = turns.map((t, i) => ({
    role: t.role,
    content: t.content,
    imageCount: kept[i]?.length ?? 0,
  }));
  return { history, files: [...kept.flat(), ...own], leftOut, ownLeftOut: all.length - own.length };
}

/**
 * The sentence an answer opens with when a message or a conversation had more images than one
 * request takes; none when it had not.
 */
export function leftOutNote(
  picked: { leftOut: number; ownLeftOut: number },
  max: number,
): string | undefined {
  if (picked.ownLeftOut > 0) {
    const total = max + picked.ownLeftOut;
    return `(I looked at the first ${max} of your ${total} images; ${picked.ownLeftOut} left out.)`;
  }
  if (picked.leftOut === 0) return undefined;
  const images = picked.leftOut === 1 ? "1 earlier image" : `${picked.leftOut} earlier images`;
  return `(I looked at the newest ${max} images of this conversation; ${images} left out.)`;
}

/** The sentence an answer opens with when it is about a photo posted before the question. */
export function recentPhotoNote(ageMs: number, name?: string): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  const ago =
    s < 60
      ? `${s} second${s === 1 ? "" : "s"} ago`
      : `${Math.round(s / 60)} minute${Math.round(s / 60) === 1 ? "" : "s"} ago`;
  return `About your photo from ${ago}${name ? ` (${name})` : ""}:`;
}

/** Words of a platform message as an earlier turn: mentions out, bounded. */
export function turnText(text: string, mention: RegExp): string {
  return text.replace(mention, "").trim().slice(0, 4000);
}
