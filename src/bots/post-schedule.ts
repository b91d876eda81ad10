import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { Platform } from "../core/jobs.js";
import { logger } from "../log.js";
import { TARGET_LABEL, targetForPlatform } from "../publish/index.js";
import { checkWhen, describeWhen, nextSlots, parseWhen, type Slot } from "../publish/when.js";
import { hostTimeZone, isTimeZone } from "../publish/zone.js";
import {
  approvalIdFor,
  createPostStore,
  type Person,
  POST_EXPIRED,
  type StoredPost,
} from "../queue/posts.js";
import type { Schedule, ScheduledJob } from "../queue/schedule.js";
import { createZoneStore } from "../queue/zones.js";
import { type Approvers, createApprovalRule } from "./approval-rule.js";
import { describeScheduled, type ScheduledPost } from "./scheduled-post.js";

export type { ScheduledPost } from "./scheduled-post.js";

/**
 * Scheduling a post, once for every platform: Schedule… is Approve at a later time (the same rule
 * says who may), typed times read in the zone of the person the post is for; the scheduled post
 * is a delayed job (queue/schedule.ts) and the post's approval says "scheduled" until an engine
 * publishes it. Publish now, Reschedule and Cancel are for the person who scheduled it and the
 * approvers.
 */

/** Who is acting, as their platform knows them. */
export interface Actor {
  user: Person;
  approver: boolean;
  /** The zone their client reports (the playground's browser): used when they set none themselves. */
  clientZone?: string;
}

export type ScheduleOutcome =
  | {
      accepted: true;
      approvalId: string;
      at: number;
      zone: string;
      duplicate: boolean;
      /** Typed words read in the zone of the person the post is for, which is not the clicker's own. */
      readFor?: Person;
    }
  | { accepted: false; message: string };

export type ChangeAction = "cancel" | "reschedule" | "publish-now";

/** Where a scheduled post stands with a change: what happened, in one sentence. */
export type ChangeOutcome =
  | { done: true; message: string; at?: number; zone?: string }
  | { done: false; message: string };

const refused = (message: string) => ({ accepted: false as const, message });

export function createPostSchedule(o: {
  platform: Platform;
  config: Config;
  redis: Redis;
  schedule: Schedule;
  approvers: Approvers;
  /** Redraws the post's card after its schedule changed (the platform's flow; none from a terminal). */
  redraw?: (postId: string) => Promise<unknown>;
  /** A person's zone as their platform knows it (Slack's users.info), when it does. */
  profileZone?: (userId: string) => Promise<string | undefined>;
}) {
  const posts = createPostStore(o.redis, o.config.redis.prefix);
  const zones = createZoneStore(o.redis, o.config.redis.prefix);
  const rule = createApprovalRule(o.config, o.approvers);
  const maxAheadDays = o.config.publish.maxAheadDays;

  /** A person's zone: their platform's, then /timezone, their client's, the config's. */
  async function zoneOf(actor: Pick<Actor, "user" | "clientZone">): Promise<string> {
    const profile = await o.profileZone?.(actor.user.id);
    if (profile && isTimeZone(profile)) return profile;
    const own = await zones.get(o.platform, actor.user.id);
    if (own && isTimeZone(own)) return own;
    if (actor.clientZone && isTimeZone(actor.clientZone)) return actor.clientZone;
    return o.config.publish.timeZone ?? hostTimeZone();
  }

  /**
   * Whose zone typed words are read in: the person the post is for, so an approver's "tomorrow
   * 9am" is the 9am of the one who asked for the post, wherever the approver sits.
   */
  function readerOf(post: StoredPost, actor: Actor): Pick<Actor, "user" | "clientZone"> {
    return post.record.requester.id === actor.user.id ? actor : { user: post.record.requester };
  }

  /** Free words or an instant (a slot's value), checked against now and the horizon. */
  function resolve(when: string | number, zone: string) {
    return typeof when === "number"
      ? checkWhen(when, { zone, maxAheadDays })
      : parseWhen(when, { zone, maxAheadDays });
  }

  async function listed(scopeId: string | undefined): Promise<ScheduledPost[]> {
    const out: ScheduledPost[] = [];
    for (const job of await o.schedule.list(scopeId)) out.push(await describeScheduled(posts, job));
    return out;
  }

  /** The card says where the post stands now; the change itself is done, so a failure is only logged. */
  async function redraw(postId: string): Promise<void> {
    await o
      .redraw?.(postId)
      .catch((err) => logger().warn({ err, postId }, "could not redraw the post's card"));
  }

  /** Whether `actor` may change a scheduled post: its scheduler or an approver. */
  function mayChange(job: ScheduledJob, actor: Actor): boolean {
    return actor.approver || job.request.user.id === actor.user.id;
  }

  return {
    zoneOf,

    /** Sets the person's own zone; one sentence either way. */
    async setZone(user: Person, zone: string): Promise<{ ok: boolean; message: string }> {
      const name = zone.trim();
      if (!isTimeZone(name))
        return {
          ok: false,
          message: `"${name}" is not a time zone I know; use an IANA name such as Europe/Berlin.`,
        };
      await zones.set(o.platform, user.id, name);
      return {
        ok: true,
        message: `Your time zone is now ${name}; times typed for the posts you ask for are read there.`,
      };
    },

    /** The configured slots still ahead in the person's zone. */
    async slots(actor: Actor): Promise<{ zone: string; slots: Slot[] }> {
      const zone = await zoneOf(actor);
      return { zone, slots: nextSlots(o.config.publish.slots, { zone, maxAheadDays }) };
    },

    /** Schedules caption `variant` (0-based) of a post at `when`: a slot's instant or free words. */
    async schedule(
      postId: string,
      variant: number,
      when: string | number,
      actor: Actor,
    ): Promise<ScheduleOutcome> {
      const post: StoredPost | undefined = await posts.get(postId);
      if (!post) return refused(POST_EXPIRED);
      const why = rule.whyNot(
        post,
        { person: actor.user, approver: actor.approver },
        "Only the person who asked for this post, or an approver, can schedule it.",
      );
      if (why) return refused(why.replace("Approving this post publishes", "Scheduling this post publishes"));
      if (!post.record.bundle.variants[variant])
        return refused("That caption is not part of this post any more.");
      const reader = readerOf(post, actor);
      const zone = await zoneOf(reader);
      const time = resolve(when, zone);
      if (!time.ok) return refused(time.message);
      // Said when it matters: words typed by someone whose own zone is another.
      const readFor =
        typeof when === "string" && reader.user.id !== actor.user.id && zone !== (await zoneOf(actor))
          ? { readFor: reader.user }
          : {};
      const approvalId = approvalIdFor(postId, variant);
      const held = await posts.approve(postId, {
        variant,
        by: actor.user,
        approver: actor.approver,
        at: Date.now(),
        status: "scheduled",
        scheduledFor: time.at,
      });
      if (!held) return refused(POST_EXPIRED);
      if (held.status !== "scheduled" || held.variant !== variant)
        return refused(
          `This post is already approved (caption ${held.variant + 1}, by ${held.by.name ?? "a teammate"}).`,
        );
      // Scheduled before (by them or someone else): the one job stands, at its own time.
      const existing = await o.schedule.get(approvalId);
      if (existing) {
        await redraw(postId);
        return { accepted: true, approvalId, at: existing.at, zone, duplicate: true, ...readFor };
      }
      // The post and its photo must outlive the wait, with a day to spare for retries.
      await posts.keepUntil(postId, time.at + 24 * 3600_000);
      const added = await o.schedule.schedule(
        {
          requestId: approvalId,
          platform: o.platform,
          priority: "interactive",
          command: "approve",
          args: { post: postId, variant: String(variant), scheduled: "1" },
          user: actor.user,
          scope: post.record.scope,
          // The post's own place only: a click's reply token does not last until then.
          reply: { ...post.location, post: postId, scheduledBy: actor.user.id },
          createdAt: Date.now(),
        },
        time.at,
      );
      await redraw(postId);
      return { accepted: true, approvalId, at: added.at, zone, duplicate: !added.created, ...readFor };
    },

    /** The scheduled posts of a server or workspace, soonest first. */
    list: (scopeId: string) => listed(scopeId),
    /** Every scheduled post of the deployment (the terminal's view), soonest first. */
    listAll: () => listed(undefined),
    /** Cancel, Reschedule (to `when`) or Publish now, by its scheduler or an approver. */
    async change(
      approvalId: string,
      action: ChangeAction,
      actor: Actor,
      when?: string | number,
    ): Promise<ChangeOutcome> {
      const job = await o.schedule.get(approvalId);
      if (!job)
        return { done: false, message: "That post is not scheduled any more (published or cancelled)." };
      if (!mayChange(job, actor))
        return {
          done: false,
          message: `Only ${job.request.user.name ?? "the person who scheduled it"} or an approver can change this scheduled post.`,
        };
      const postId = String(job.request.args.post ?? "");
      const before = await posts.get(postId);
      const target = targetForPlatform(before?.record.bundle.platform ?? "");
      const network = target ? TARGET_LABEL[target] : "its network";
      let moveTo: { at: number; zone: string } | undefined;
      if (action === "reschedule") {
        const zone = await zoneOf(before ? readerOf(before, actor) : actor);
        const time = resolve(when ?? "", zone);
        if (!time.ok) return { done: false, message: time.message };
        moveTo = { at: time.at, zone };
      }
      const result =
        action === "cancel"
          ? await o.schedule.cancel(approvalId)
          : action === "publish-now"
            ? await o.schedule.publishNow(approvalId)
            : await o.schedule.reschedule(approvalId, moveTo?.at ?? 0);
      if (result === "running")
        return { done: false, message: `It is being published to ${network} right now.` };
      if (result === "gone")
        return { done: false, message: "That post is not scheduled any more (published or cancelled)." };
      const post = await posts.get(postId);
      if (action === "cancel") {
        await posts.clearApproval(postId);
        await redraw(postId);
        return {
          done: true,
          message: "Cancelled: nothing will be published. The post can be approved again.",
        };
      }
      if (moveTo) {
        const { at, zone } = moveTo;
        if (post?.approval) await posts.setApproval(postId, { ...post.approval, scheduledFor: at });
        await posts.keepUntil(postId, at + 24 * 3600_000);
        await redraw(postId);
        return { done: true, at, zone, message: `Rescheduled for ${describeWhen(at, zone)}.` };
      }
      return { done: true, message: `Publishing to ${network} now.` };
    },
  };
}

export type PostSchedule = ReturnType<typeof createPostSchedule>;
