import type { HistoryTurn } from "../core/jobs.js";

/** One earlier turn of a conversation as a platform shows it: who said what, with which images. */
export interface ChainTurn<F> {
  role: "user" | "assistant";
  content: string;
  files: F[];
}

/**
 * A conversation's images within `max` per request: this turn's own first, then the earlier
 * turns' newest first, the oldest left out. `files` lists them as the job carries them (earlier
 * turns' in turn order, then this turn's) and `history` says which turn each belongs to.
 */
export function conversationImages<F>(
  turns: ChainTurn<F>[],
  own: F[],
  max: number,
): { history: HistoryTurn[]; files: F[]; leftOut: number } {
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
  return { history, files: [...kept.flat(), ...own], leftOut };
}

/** The sentence an answer opens with when a conversation had more images than one request takes. */
export function leftOutNote(leftOut: number, max: number): string {
  const images = leftOut === 1 ? "1 earlier image" : `${leftOut} earlier images`;
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
