import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { RequestJob } from "../core/jobs.js";
import { isSurfaceError, type Outgoing, type Place, type Surface } from "../core/surface.js";
import { TARGET_LABEL, targetForPlatform } from "../publish/index.js";
import { createPostStore, type StoredPost } from "../queue/posts.js";
import { postText } from "../skills/post/summary.js";
import { type PostStatus, postCardFor } from "./post-card.js";

/**
 * A scheduled post's card says where it stands, once for every platform: "Scheduled for <time>",
 * then "Published ✅ <link>" or the failure with Retry. What it says is read from the post's
 * approval in Redis, so whichever replica (or engine's delivery) redraws it draws the same; each
 * platform only says how its message is edited and how it writes a time.
 */

/** How a platform writes what a status line holds besides the post: an instant, and plain words. */
export interface StatusWriter {
  time(at: number): string;
  format(text: string): string;
}

/** The line a scheduled post's card shows, or undefined for a post that is not one (or was cancelled). */
function statusOf(stored: StoredPost, w: StatusWriter): PostStatus | undefined {
  const a = stored.approval;
  if (!a || a.scheduledFor === undefined) return undefined;
  const target = targetForPlatform(stored.record.bundle.platform);
  const to = target ? ` to ${TARGET_LABEL[target]}` : "";
  const whose = `caption ${a.variant + 1}, scheduled by ${w.format(a.by.name ?? "a teammate")}`;
  switch (a.status) {
    case "scheduled":
      return {
        text: `🕒 Scheduled for ${w.time(a.scheduledFor)} by ${w.format(a.by.name ?? "a teammate")} (caption ${a.variant + 1})`,
        at: a.scheduledFor,
      };
    case "pending":
      return { text: `⏳ Publishing${to} now (${whose})` };
    case "published":
      return { text: `Published ✅ ${a.url ?? ""} (${target ? `${TARGET_LABEL[target]}, ` : ""}${whose})` };
    case "ready":
      return { text: `✅ Ready to post (${whose})` };
    case "failed":
      return {
        text: `⚠️ Not published${to}: ${w.format(a.message ?? "it failed.")} (${whose}). Press Retry to try again.`,
        retry: true,
      };
  }
}

/** Where a post's own message is, from its location (the request's routing and the ids added to it). */
export function postPlaceOf(location: Record<string, string>, scope: RequestJob["scope"]): Place {
  return {
    channel: location.channel ?? scope.channelId,
    ...(location.thread ? { thread: location.thread } : {}),
  };
}

/** What a redraw found: drawn, the message gone (deleted), or nothing to draw (no such scheduled post). */
export type Redrawn = "drawn" | "gone" | "none";

/**
 * Redraws a post's message as it stands now: `draw` edits it on the platform. `scheduledOnly`: only
 * when the post is (or was) scheduled, as at publish time; after a change to the schedule (a
 * cancelled one has no approval any more) the card is drawn whatever it is.
 */
export function createPostRedraw(o: {
  redis: Redis;
  config: Config;
  writer: StatusWriter;
  draw(stored: StoredPost, out: Outgoing): Promise<Redrawn>;
}) {
  const posts = createPostStore(o.redis, o.config.redis.prefix);
  return async function redraw(postId: string, scheduledOnly = false): Promise<Redrawn> {
    const stored = await posts.get(postId);
    if (!stored) return "none";
    const status = statusOf(stored, o.writer);
    if (scheduledOnly && !status) return "none";
    const bundle = stored.record.bundle;
    return o.draw(stored, { text: postText(bundle), card: postCardFor(postId, bundle, o.config, status) });
  };
}

export type PostRedraw = ReturnType<typeof createPostRedraw>;

/** A chat surface's redraw: an edit of the message the post was located at. */
export function surfaceDraw(surface: Surface) {
  return async (stored: StoredPost, out: Outgoing): Promise<Redrawn> => {
    const id = stored.location.postMessage;
    if (!id) return "none";
    try {
      await surface.edit(postPlaceOf(stored.location, stored.record.scope), id, out, { partial: false });
      return "drawn";
    } catch (err) {
      if (!isSurfaceError(err)) throw err;
      return "gone";
    }
  };
}
