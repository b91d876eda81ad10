import type { Config } from "../config/schema.js";
import type { DeliveryJob } from "../core/jobs.js";
import { isSurfaceError, type Outgoing, type Place, type Surface } from "../core/surface.js";
import type { BlobStore } from "../queue/blobs.js";
import type { Conversation, Conversations } from "../queue/conversations.js";
import { postText } from "../skills/post/summary.js";
import { newMessages, resultFiles } from "./draw.js";
import { postCardFor, retryCard } from "./post-card.js";
import type { PostClicks } from "./post-clicks.js";
import { type PostRedraw, postPlaceOf } from "./post-standing.js";
import { deliveryText } from "./render.js";

/** Deliveries that are posts with a card, their refinements and approvals. */
export function ownsPost(d: DeliveryJob): boolean {
  return d.command === "refine" || d.command === "approve" || (d.status === "ok" && d.post !== undefined);
}

/**
 * How a post reaches the chat, on every platform alike: a new post becomes the card (drawn into
 * the request's reply, so no Stop button is left behind), a refinement redraws the card in place,
 * and an approval (or why a click failed) is a message under the post; a scheduled post's outcome
 * is drawn on the card itself, with one short line for the person who scheduled it.
 */
export function createPostDelivery(o: {
  surface: Surface;
  clicks: PostClicks;
  /** Redraws a post's card as it stands (post-standing.ts). */
  redraw: PostRedraw;
  conversations: Conversations;
  config: Config;
  blobs: BlobStore;
}) {
  const { surface } = o;

  /** Edits `id` in `place`; a reply that is gone (token, or deleted) falls back to `instead`. */
  async function redraw(place: Place, id: string, out: Outgoing, instead: () => Promise<string>) {
    try {
      return (await surface.edit(place, id, out, { partial: false })) ?? id;
    } catch (err) {
      if (!isSurfaceError(err)) throw err;
      return instead();
    }
  }

  /** Where the post's own message is, from its location as recorded when it was first posted. */
  const postPlace = (d: DeliveryJob): Place => postPlaceOf(d.reply, d.scope);

  return {
    async deliver(d: DeliveryJob, c: Conversation | undefined): Promise<string[]> {
      const post = d.post;
      const attached = await resultFiles(o.blobs, d);
      const withFiles = attached.length ? { files: attached } : {};
      if (d.command === "refine" && d.status === "ok" && post) {
        const postId = d.reply.post ?? d.requestId;
        const out = {
          text: postText(post),
          card: postCardFor(postId, post, o.config),
          ...withFiles,
        };
        const place = postPlace(d);
        const at = d.reply.postMessage ?? "";
        // Through the click's own reply while it lasts (Discord's token), else the post's message.
        const id = c?.messages[0]
          ? await redraw(c.place, c.messages[0], out, () => redraw(place, at, out, async () => at))
          : await redraw(place, at, out, async () => at);
        // Their change was not applied (someone else's landed first): only they are told why.
        if (d.notice)
          await surface
            .ephemeral(c?.place ?? place, d.user.id, surface.format(d.notice))
            .catch(() => surface.ephemeral(place, d.user.id, surface.format(d.notice ?? "")));
        return [id];
      }
      if (d.command !== "refine" && d.command !== "approve" && post) {
        const out = {
          text: postText(post),
          card: postCardFor(d.requestId, post, o.config),
          ...withFiles,
        };
        const place: Place = c?.place ?? {
          ...postPlace(d),
          ...(d.reply.replyTo ? { replyTo: d.reply.replyTo } : {}),
        };
        const { interaction: _token, ...plain } = place;
        const first = c?.messages[0];
        // Located before it is drawn: a click on the card (possible as soon as it shows, before
        // its image is up) finds where the post is.
        const locate = (id: string) => {
          const thread = (surface.follow?.(plain, id) ?? plain).thread;
          return o.clicks.locate(d.requestId, {
            channel: plain.channel,
            postMessage: id,
            ...(thread ? { thread } : {}),
          });
        };
        if (first && !first.startsWith("@")) await locate(first);
        const id = first
          ? await redraw(place, first, out, () => surface.post(plain, out))
          : await surface.post(plain, out);
        if (id !== first) await locate(id);
        return [id];
      }
      const place: Place = {
        ...postPlace(d),
        ...(d.reply.postMessage ? { replyTo: d.reply.postMessage } : {}),
      };
      // A scheduled post's outcome is drawn on its card (published, or the failure and Retry); the
      // person who scheduled it, not watching now, is told in one short line that names only them.
      const onCard = d.command === "approve" && d.reply.post ? await o.redraw(d.reply.post, true) : "none";
      if (onCard === "drawn" && d.reply.scheduledBy) {
        const headline = deliveryText(d).split("\n\n")[0] ?? "";
        const live = await newMessages(o, d, place);
        return live.finish(
          `${surface.mention(d.reply.scheduledBy)}, your scheduled post: ${surface.format(headline)}`,
        );
      }
      // The final "ready to post" message, or why a click could not be done, under the post: what
      // people copy, so a long caption continues in a second message, never cut.
      const retry = d.command === "approve" && d.status === "error" && d.reply.post;
      const live = await newMessages(o, d, place);
      // A scheduled post's outcome names the person who scheduled it, who is not watching now.
      const whose = d.reply.scheduledBy
        ? `${surface.mention(d.reply.scheduledBy)}, your scheduled post: `
        : "";
      return live.finish(whose + surface.format(deliveryText(d)), {
        ...withFiles,
        ...(retry ? { card: retryCard(d.reply.post ?? "") } : {}),
      });
    },
  };
}
