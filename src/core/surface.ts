import { z } from "zod";
import type { Platform } from "./jobs.js";

/**
 * The port every chat platform implements for the one conversation flow (src/bots/flow.ts): a
 * handful of message operations and a card renderer. The flow decides what to say and when; a
 * surface only knows how its platform says it. Places are plain strings, so they serialize into
 * Redis and any replica can resume a conversation another one started.
 */

export const placeSchema = z.object({
  channel: z.string().min(1),
  /** Slack: the thread's ts. (Discord threads are channels of their own.) */
  thread: z.string().optional(),
  /** The message the first answer replies to. */
  replyTo: z.string().optional(),
  /**
   * The request whose reply secret (a Discord interaction token, kept in Redis with its expiry,
   * never here) reaches the command's own reply.
   */
  interaction: z.string().optional(),
});
export type Place = z.infer<typeof placeSchema>;

/** A file that goes with a message, with its alt text. */
export interface OutFile {
  name: string;
  data: Buffer;
  description: string;
}

export interface CardButton {
  type: "button";
  /** The component id: `post:<postId>:<action>` (it carries nothing else). */
  id: string;
  label: string;
  primary?: boolean;
}

export interface CardSelect {
  type: "select";
  id: string;
  placeholder: string;
  options: { value: string; label: string }[];
}

/** A small picture beside a section: the blob it is made from, and what it shows (its alt text). */
interface CardThumbnail {
  key: string;
  description: string;
}

/** One item of a card (a caption, a scheduled post). */
export interface CardSection {
  text: string;
  footer?: string;
  /** The item's one button (a caption's Approve), numbered after the item where rows are shared. */
  button?: CardButton;
  /** Several buttons of the item's own (a scheduled post's Publish now, Reschedule, Cancel), drawn with it. */
  buttons?: CardButton[];
  thumbnail?: CardThumbnail;
  /** The words people copy from it. */
  copy?: string;
}

/** A card described once and rendered per platform (Discord components, Slack blocks, the playground's JSON). */
export interface Card {
  title: string;
  /** One section per item (a caption), each with its own button or buttons. */
  sections: CardSection[];
  /** Small print under the sections (why there are fewer captions, the alt text). */
  notes: { text: string; copy?: string }[];
  actions: (CardButton | CardSelect)[];
  /**
   * Where the post stands (scheduled, published, failed), a line already in the platform's markup
   * (its time markup, say); `at`: the instant in it, for a page that writes times itself.
   */
  status?: { text: string; at?: number };
}

export interface Outgoing {
  /** Light Markdown, already split to the platform's limit by the flow. */
  text: string;
  /** The request a Stop button under the message stops. */
  stop?: string;
  card?: Card;
  files?: OutFile[];
}

export interface Surface {
  readonly platform: Platform;
  /** Characters one message holds. */
  readonly limit: number;
  /** Light Markdown in the platform's own markup, with nothing in it that can ping anyone. */
  format(text: string): string;
  /** Posts a message; its id. `place.replyTo` is used for the first message of an answer only. */
  post(place: Place, out: Outgoing): Promise<string>;
  /** `partial`: a stream's intermediate edit, which may be dropped rather than wait on a rate limit. */
  edit(place: Place, id: string, out: Outgoing, o: { partial: boolean }): Promise<string | undefined>;
  remove(place: Place, id: string): Promise<void>;
  /** One sentence for one person's eyes. */
  ephemeral(place: Place, user: string, text: string): Promise<void>;
  /** An instant as the platform shows it, each reader in their own zone where it can (Discord's <t:…>). */
  time?(at: number): string;
  /** How an answer names the person it is for (never a ping: mentions are off everywhere). */
  mention(user: string): string;
  /**
   * Where a new answer goes, from the request's routing: Discord opens a caption's thread when
   * `reply.mode` asks for one. Without it, the place as it is.
   */
  resolve?(place: Place, reply: Record<string, string>): Promise<Place>;
  /** Where the rest of an answer goes once its first message exists (Slack: that message's thread). */
  follow?(place: Place, first: string): Place;
  /** Shows the bot at work in the place for a few seconds (Discord's typing indicator, about 10 s). */
  typing?(place: Place): Promise<void>;
  /** Marks the person's message as answered or failed (Slack: 👀 gives way to ✅ or ⚠️). */
  mark?(place: Place, message: string, outcome: "done" | "failed"): Promise<void>;
  /** One message that pings `user` alone, pointing at their answer `answer` (it came late). */
  notify?(place: Place, user: string, answer: string): Promise<void>;
}

/** Why a surface could not do what the flow asked, when the flow can do something about it. */
export class SurfaceError extends Error {
  constructor(
    /**
     * reply-gone: the command's own reply can no longer be used (its token ran out);
     * message-gone: someone deleted it; place-gone: the platform will not let the bot post there.
     */
    readonly code: "reply-gone" | "message-gone" | "place-gone",
    message: string,
    /** The platform's own error, for logs and for the platform's code that reads it. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SurfaceError";
  }
}

export function isSurfaceError(err: unknown): err is SurfaceError {
  return err instanceof SurfaceError;
}
