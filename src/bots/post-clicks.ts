import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { Platform } from "../core/jobs.js";
import { PLATFORM_NAMES, TONES } from "../core/post-state.js";
import { isCodedError, newErrorId, userMessage } from "../errors.js";
import { logger } from "../log.js";
import { TARGET_LABEL } from "../publish/index.js";
import { createPostStore, type Person, POST_EXPIRED, type StoredPost } from "../queue/posts.js";
import type { Producer } from "../queue/producer.js";
import { type Approvers, createApprovalRule } from "./approval-rule.js";
import { createPostSchedule } from "./post-schedule.js";
import { createScheduleClicks, SCHEDULE_CHANGES } from "./post-schedule-clicks.js";

export type { Approvers } from "./approval-rule.js";

/**
 * What every adapter does with a click on a post, whatever the platform: component ids are
 * `post:<requestId>:<action>` and carry nothing else; the post's state is read from Redis; a
 * refinement or an approval becomes a job on the requests queue. The answer is either accepted
 * (the delivery edits the post, or posts the final message) or one sentence for the clicker only.
 */

export const POST_COMPONENT_PREFIX = "post:";

const REFINE_BUTTONS = ["regenerate", "shorter"] as const;
const REFINE_MENUS = ["tone", "platform", "translate"] as const;
type RefineName = (typeof REFINE_BUTTONS)[number] | (typeof REFINE_MENUS)[number];

/** `approve-2` approves the second caption; `retry` publishes a failed approval again. */
/**
 * `schedule` takes a slot (or Other time…) from the card's menu; `unschedule`, `reschedule` and
 * `publish-now` act on a scheduled post.
 */
export type PostAction =
  | RefineName
  | `approve-${number}`
  | "retry"
  | "schedule"
  | "unschedule"
  | "reschedule"
  | "publish-now";

export function postComponentId(postId: string, action: PostAction): string {
  return `${POST_COMPONENT_PREFIX}${postId}:${action}`;
}

/** The post and the action in a component id; request ids may hold colons, actions never do. */
export function parsePostComponentId(id: string): { postId: string; action: string } | undefined {
  if (!id.startsWith(POST_COMPONENT_PREFIX)) return undefined;
  const rest = id.slice(POST_COMPONENT_PREFIX.length);
  const at = rest.lastIndexOf(":");
  if (at <= 0) return undefined;
  return { postId: rest.slice(0, at), action: rest.slice(at + 1) };
}

export interface PostClick {
  postId: string;
  action: string;
  /** A menu's chosen value (tone, platform, language). */
  value?: string;
  /** Unique per click (interaction id, trigger id…): the job's id, so a repeated event makes no second job. */
  clickId: string;
  user: Person;
  /**
   * Whether the clicker is an approver on their platform (a Discord role, a Slack user listed, the
   * playground's approver password). The flow decides what that allows.
   */
  approver: boolean;
  /** Adapter routing for the answer, added to where the post is. */
  reply?: Record<string, string>;
  /** A time typed in the form that Other time… and Reschedule open ("tomorrow 9am"). */
  words?: string;
}

export type ClickOutcome =
  | { accepted: true; requestId: string; command: "refine" | "approve" }
  /** Scheduled: no job answers now; `note` says when, for the clicker. */
  | { accepted: true; requestId: string; command: "schedule"; note: string }
  | { accepted: false; message: string };

const refused = (message: string): ClickOutcome => ({ accepted: false, message });

function whoApproved(approval: { by: Person }): string {
  return approval.by.name ?? "a teammate";
}

/** A menu's value, checked against what the menu offers. */
function validValue(action: RefineName, value: string | undefined, config: Config): boolean {
  if (action === "tone") return (TONES as readonly string[]).includes(value ?? "");
  if (action === "platform") return (PLATFORM_NAMES as readonly string[]).includes(value ?? "");
  if (action === "translate") return config.post.languages.includes(value ?? "");
  return true;
}

const PLATFORM_LABEL: Record<Platform, string> = {
  discord: "Discord",
  slack: "Slack",
  web: "the playground",
  cli: "the command line",
};

/**
 * Who may approve what, once for every platform: approving a post for an account the team has
 * configured publishes it, so only an approver may; a post that publishes nothing ("ready to post")
 * may be approved by the person who asked or an approver. With an account but no approvers on a
 * platform, nobody there publishes: approvals are ready to post, and start-up says so.
 */
export function createPostClicks(o: {
  platform: Platform;
  producer: Producer;
  config: Config;
  redis: Redis;
  approvers: Approvers;
  /** How the platform writes an instant so each reader sees their own zone (Discord's <t:…>). */
  time?: (at: number) => string;
  /** Redraws a post's card once its schedule changed, so it says where the post stands. */
  redraw?: (postId: string) => Promise<unknown>;
  /** A person's zone as their platform knows it (Slack's users.info), when it does. */
  profileZone?: (userId: string) => Promise<string | undefined>;
}) {
  const schedule = createPostSchedule({ ...o, schedule: o.producer.schedule });
  const scheduling = createScheduleClicks(schedule, o.time);
  const posts = createPostStore(o.redis, o.config.redis.prefix);
  const rule = createApprovalRule(o.config, o.approvers);
  const accounts = rule.accounts;
  if (accounts.length && !o.approvers.configured)
    logger().warn(
      `publishing to ${accounts.map((t) => TARGET_LABEL[t]).join(" and ")} is off on ${PLATFORM_LABEL[o.platform]}: no approvers (set ${o.approvers.setting})`,
    );

  function whyNotApprove(post: StoredPost, click: PostClick, notAsker: string, also?: Person) {
    return rule.whyNot(post, { person: click.user, approver: click.approver }, notAsker, also);
  }

  async function submit(
    post: StoredPost,
    click: PostClick,
    command: "refine" | "approve",
    args: Record<string, string>,
  ): Promise<ClickOutcome> {
    const requestId = `${o.platform}:post:${click.clickId}`;
    try {
      await o.producer.submit({
        requestId,
        platform: o.platform,
        priority: "interactive",
        command,
        args: { post: click.postId, ...args },
        user: click.user,
        scope: post.record.scope,
        reply: { ...post.location, ...click.reply, post: click.postId },
        createdAt: Date.now(),
      });
      return { accepted: true, requestId, command };
    } catch (err) {
      const errorId = newErrorId();
      if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "post click failed");
      return refused(userMessage(err, errorId));
    }
  }

  async function approve(post: StoredPost, click: PostClick, variant: number): Promise<ClickOutcome> {
    const why = whyNotApprove(
      post,
      click,
      "Only the person who asked for this post, or an approver, can approve it.",
    );
    if (why) return refused(why);
    if (!post.record.bundle.variants[variant])
      return refused("That caption is not part of this post any more.");
    const at = Date.now();
    const held = await posts.approve(click.postId, {
      variant,
      by: click.user,
      approver: click.approver,
      at,
      status: "pending",
    });
    if (!held) return refused(POST_EXPIRED);
    if (held.by.id !== click.user.id || held.variant !== variant || held.at !== at) {
      // Someone approved first; pressing Approve again on a failed publish is a retry.
      if (held.status === "failed" && held.variant === variant)
        return retry({ ...post, approval: held }, click);
      if (held.status === "scheduled")
        return refused(`This post is scheduled (caption ${held.variant + 1}, by ${whoApproved(held)}).`);
      return refused(`This post is already approved (caption ${held.variant + 1}, by ${whoApproved(held)}).`);
    }
    return submit({ ...post, approval: held }, click, "approve", { variant: String(variant) });
  }

  async function retry(post: StoredPost, click: PostClick): Promise<ClickOutcome> {
    const approval = post.approval;
    if (!approval) return refused("This post has no approval to retry; press Approve first.");
    const why = whyNotApprove(
      post,
      click,
      "Only the person who asked for this post, or an approver, can retry publishing it.",
      approval.by,
    );
    if (why) return refused(why);
    if (approval.status !== "failed")
      return refused(
        approval.status === "pending" ? "It is being published right now." : "This post is already done.",
      );
    await posts.setApproval(click.postId, { ...approval, status: "pending" });
    return submit(post, click, "approve", { variant: String(approval.variant) });
  }

  return {
    schedule,
    /** Reads the post and queues the click's job, or says why not. */
    async click(click: PostClick): Promise<ClickOutcome> {
      const post = await posts.get(click.postId);
      if (!post) return refused(POST_EXPIRED);
      const approveMatch = /^approve-(\d)$/.exec(click.action);
      if (approveMatch) return approve(post, click, Number(approveMatch[1]) - 1);
      if (click.action === "retry") return retry(post, click);
      if (click.action === "schedule") return scheduling.scheduleAt(click);
      const change = SCHEDULE_CHANGES.get(click.action);
      if (change) return scheduling.change(post, click, change);
      const action = [...REFINE_BUTTONS, ...REFINE_MENUS].find((a) => a === click.action);
      if (!action) return refused("That button is not one I know.");
      if (post.approval)
        return refused(
          `This post was approved by ${whoApproved(post.approval)}; run /post again for a new one.`,
        );
      if (!validValue(action, click.value, o.config)) return refused("That choice is not on the menu.");
      // The version the clicker saw: a change computed from an older one is not applied.
      return submit(post, click, "refine", {
        action,
        version: String(post.record.version),
        ...(click.value ? { value: click.value } : {}),
      });
    },
    /** Notes where the adapter posted a post's message, so edits and replies find it. */
    locate: (postId: string, ids: Record<string, string>) => posts.locate(postId, ids),
    get: (postId: string) => posts.get(postId),
  };
}

export type PostClicks = ReturnType<typeof createPostClicks>;
