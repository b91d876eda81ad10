import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { DeliveryJob, Platform, Progress } from "../core/jobs.js";
import { isSurfaceError, type Place, type Surface } from "../core/surface.js";
import { describeWhen } from "../publish/when.js";
import { hostTimeZone } from "../publish/zone.js";
import { cancelRequest } from "../queue/cancel.js";
import { type Conversation, type Conversations, createConversations } from "../queue/conversations.js";
import type { Producer } from "../queue/producer.js";
import { jobRetention } from "../queue/retention.js";
import { type Attach, drawOn, newMessages, placeOf, resultFiles } from "./draw.js";
import { createFeedback } from "./feedback.js";
import { type LiveOptions, LiveReply } from "./live-reply.js";
import { type Approvers, createPostClicks } from "./post-clicks.js";
import { createPostDelivery, ownsPost } from "./post-delivery.js";
import { createPostRedraw, surfaceDraw } from "./post-standing.js";
import { progressText } from "./progress-text.js";
import { deliveryText } from "./render.js";
import { stopRefusal } from "./stop.js";

/**
 * The one conversation flow every chat platform shares: a reply opened with Stop, drawn live as
 * the engine writes, finished once by whichever replica takes the delivery, and stopped only by
 * the person who asked (or someone the platform lets stop anything). What it needs later lives in
 * Redis (queue/conversations.ts), never in this process: a restart or a second replica resumes it.
 * Platforms bring a Surface (how to post, edit, remove and whisper) and their events.
 */

export interface FlowOptions {
  platform: Platform;
  surface: Surface;
  config: Config;
  producer: Producer;
  redis: Redis;
  redisUrl: string;
  /** Who may approve a post that publishes, on this platform. */
  approvers: Approvers;
  /** The conversations' state in Redis (the surface may read it too, e.g. for Discord's tokens). */
  conversations?: Conversations;
  /** How a status line reads on this platform (Slack prefixes an hourglass). */
  status?: (text: string) => string;
  /** A person's zone as the platform knows it (Slack's users.info), when it does. */
  profileZone?: (userId: string) => Promise<string | undefined>;
  /** Pacing of a conversation's partial edits (Discord: a 429's wait; Slack: the workspace's budget). */
  pacing?: (c: Conversation) => Pick<LiveOptions, "mayEdit" | "onError"> & {
    /** The final answer is about to be drawn. */
    final?(): void;
    /** The answer is drawn or dropped. */
    done?(): void;
  };
}

export function createFlow(o: FlowOptions) {
  const { surface, producer } = o;
  const conversations = o.conversations ?? createConversations(o.redis, o.config.redis.prefix, o.platform);
  // A scheduled post's card says where it stands: redrawn when its schedule changes and at its time.
  const zone = o.config.publish.timeZone ?? hostTimeZone();
  const redraw = createPostRedraw({
    redis: o.redis,
    config: o.config,
    writer: { time: surface.time ?? ((at) => describeWhen(at, zone)), format: surface.format },
    draw: surfaceDraw(surface),
  });
  const clicks = createPostClicks({
    platform: o.platform,
    producer,
    config: o.config,
    redis: o.redis,
    approvers: o.approvers,
    ...(surface.time ? { time: surface.time } : {}),
    ...(o.profileZone ? { profileZone: o.profileZone } : {}),
    redraw,
  });
  // Answers this process is drawing while they are written; the rest of their state is in Redis.
  const lives = new Map<string, { live: LiveReply<Attach>; final?: () => void; done?: () => void }>();
  const status = o.status ?? ((t: string) => t);
  const feedback = createFeedback({
    surface,
    conversations,
    producer,
    notifyAfterMs: o.config.conversation.notifyAfterS * 1000,
    maxTypingMs: o.config.engine.jobTimeoutMs * (o.config.engine.attempts + 1),
  });

  function liveFor(c: Conversation): LiveReply<Attach> {
    const held = lives.get(c.requestId);
    if (held) return held.live;
    const pace = o.pacing?.(c);
    const live = new LiveReply<Attach>(drawOn(surface, c.place, c.requestId, c.messages.length), c.messages, {
      limit: surface.limit,
      minIntervalMs: 1000,
      ...(pace?.mayEdit ? { mayEdit: pace.mayEdit } : {}),
      ...(pace?.onError ? { onError: pace.onError } : {}),
      opened: (n, id) => conversations.posted(c.requestId, n, id),
    });
    lives.set(c.requestId, {
      live,
      ...(pace?.final ? { final: pace.final } : {}),
      ...(pace?.done ? { done: pace.done } : {}),
    });
    return live;
  }

  function forget(requestId: string): void {
    feedback.stop(requestId);
    lives.get(requestId)?.done?.();
    lives.delete(requestId);
  }

  const postDelivery = createPostDelivery({
    surface,
    clicks,
    redraw,
    conversations,
    config: o.config,
    blobs: producer.blobs,
  });

  /** The final answer in words (and files), into the reply drawn so far, or new messages. */
  async function deliverAnswer(d: DeliveryJob, c: Conversation | undefined): Promise<string[]> {
    const files = await resultFiles(producer.blobs, d);
    const attach: Attach | undefined = files.length ? { files } : undefined;
    if (c && (c.messages.length || c.place.interaction)) {
      try {
        const ids = await liveFor(c).finish(
          surface.format(deliveryText(d)),
          attach,
          c.place.interaction ? "first" : "last",
        );
        await conversations.setMessages(d.requestId, ids);
        return ids;
      } catch (err) {
        // The command's own reply can no longer be used (its token ran out): the channel gets it.
        // Someone deleted the reply while it was written: the answer comes as a new one.
        if (!isSurfaceError(err) || err.code === "place-gone") throw err;
        forget(d.requestId);
        if (c.place.interaction) await conversations.dropSecret(c.place.interaction);
      }
    }
    // No reply drawn (an auto-caption), or it could not be used: new messages, continued on a retry.
    const { interaction: _gone, ...place } = c?.place ?? placeOf(d);
    const whose = d.reply.slash ? `${surface.mention(d.user.id)}, your /${d.command}:\n` : "";
    const live = await newMessages(
      { surface, conversations },
      d,
      (await surface.resolve?.(place, d.reply)) ?? place,
    );
    return live.finish(surface.format(whose + deliveryText(d)), attach);
  }

  return {
    conversations,
    clicks,

    /**
     * Opens a request's reply: a status line with Stop, posted (or drawn into `first`, a reply the
     * platform already holds, such as a deferred slash command's). A repeat of the same event
     * while the first copy is handled gets undefined; the claim is short, so a repeat after a
     * crash still gets through. `origin`: the person's message it answers, marked when it ends.
     */
    async open(r: {
      requestId: string;
      place: Place;
      asker: string;
      text: string;
      first?: string;
      scope?: string;
      origin?: string;
    }) {
      if (!(await producer.once(`${o.platform}:ph:${r.requestId}`, 120))) return undefined;
      const id = r.first ?? (await surface.post(r.place, { text: status(r.text), stop: r.requestId }));
      const c: Conversation = {
        requestId: r.requestId,
        platform: o.platform,
        asker: r.asker,
        place: surface.follow?.(r.place, id) ?? r.place,
        ...(r.scope ? { scope: r.scope } : {}),
        ...(r.origin ? { origin: r.origin } : {}),
        at: Date.now(),
        messages: [id],
        finished: false,
      };
      await conversations.open(c);
      if (c.place.thread) await conversations.joinThread(c.place.channel, c.place.thread, c.requestId);
      feedback.started(c);
      const live = liveFor(c);
      if (r.first && r.text) live.show(status(r.text), false);
      return id;
    },

    /**
     * A newer message in a thread replaces the answer still being written there: that request is
     * stopped, its own answer will not be drawn, and its reply's messages (returned) are the new
     * request's to draw into. Undefined when the thread has no answer in progress.
     */
    async takeOver(channel: string, thread: string, requestId: string): Promise<string[] | undefined> {
      const current = await conversations.threadRequest(channel, thread);
      if (!current || current === requestId) return undefined;
      const c = await conversations.get(current);
      if (!c?.messages.length || !(await conversations.replace(current))) return undefined;
      await lives.get(current)?.live.settle(); // an edit in flight must not land on the new answer
      forget(current);
      await this.stop(current);
      await feedback.ended(c, "done");
      return c.messages;
    },

    /** A status line in the reply (the queue position), if it is drawn here and has no words yet. */
    show(requestId: string, text: string): void {
      lives.get(requestId)?.live.show(status(text), false);
    },

    /** An engine's progress: status lines, and the answer so far while it is written. */
    progress(requestId: string, p: Progress): void {
      const held = lives.get(requestId);
      if (!held) return;
      const writing = p.stage === "writing" && p.text !== undefined;
      const line = writing ? surface.format(p.text ?? "") : progressText(p);
      if (line) held.live.show(writing ? line : status(line), writing);
    },

    /**
     * A reply whose request was refused (`failed`: the person's message is marked so), or was
     * queued before: it goes away again.
     */
    async drop(requestId: string, o: { failed?: boolean } = {}): Promise<void> {
      const c = await conversations.get(requestId);
      forget(requestId);
      if (o.failed) await feedback.ended(c, "failed");
      await conversations.finish(requestId);
      for (const id of c?.messages ?? []) await surface.remove(c?.place as Place, id).catch(() => undefined);
    },

    /** The reply says what went wrong instead of answering (the request never reached the queue). */
    async fail(requestId: string, message: string): Promise<boolean> {
      const c = await conversations.get(requestId);
      if (!c) return false;
      await liveFor(c).finish(message);
      forget(requestId);
      await conversations.finish(requestId);
      await feedback.ended(c, "failed");
      return true;
    },

    /** Posts one finished request; the delivery worker calls it at least once, it posts once. */
    async deliver(d: DeliveryJob): Promise<{ postedAt: number; messageIds: string[] }> {
      const c = await conversations.get(d.requestId);
      // A newer message took its reply over (and draws its own answer there).
      if (c?.replaced) {
        forget(d.requestId);
        return { postedAt: Date.now(), messageIds: [] };
      }
      const held = lives.get(d.requestId);
      held?.final?.();
      let ids: string[] = [];
      try {
        if (ownsPost(d)) {
          await held?.live.settle(); // an edit in flight must not land on the post
          ids = await postDelivery.deliver(d, c);
        } else ids = await deliverAnswer(d, c);
      } catch (err) {
        // The channel went away (or the bot was removed) while the answer was written: retrying
        // cannot help and there is nowhere to say so; the surface has logged it.
        if (!(isSurfaceError(err) && err.code === "place-gone")) throw err;
      }
      forget(d.requestId);
      await conversations.finish(d.requestId);
      await feedback.ended(c, d.status === "ok" ? "done" : "failed", ids.at(-1));
      return { postedAt: Date.now(), messageIds: ids.filter((id) => !id.startsWith("@")) };
    },

    /**
     * Who may stop a request: the asker, or whoever the platform lets stop anything
     * (`mayStopAny`). Read from Redis, so a click through any replica is judged alike. Undefined
     * when this clicker may stop it; otherwise the sentence saying why not.
     */
    async whyNotStop(requestId: string, clicker: string, mayStopAny: boolean): Promise<string | undefined> {
      return stopRefusal(await conversations.get(requestId), clicker, mayStopAny);
    },

    /** Stops it: out of the queue, or the engine running it aborts; the answer still comes once. */
    stop(requestId: string) {
      return cancelRequest(
        { redisUrl: o.redisUrl, prefix: o.config.redis.prefix, redis: o.redis, keep: jobRetention(o.config) },
        requestId,
      );
    },

    close(): void {
      feedback.close();
      for (const id of [...lives.keys()]) forget(id);
    },
  };
}

export type Flow = ReturnType<typeof createFlow>;
