import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Config } from "../../config/schema.js";
import type { DeliveryJob, PostBundle, ResultImage } from "../../core/jobs.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../../core/post-state.js";
import { logger } from "../../log.js";
import type { BlobStore } from "../../queue/blobs.js";
import { PRESETS } from "../../skills/post/presets.js";
import { languageName } from "../../skills/post/prompts.js";
import { captionCount } from "../../skills/post/summary.js";
import type { LiveReply } from "../live-reply.js";
import { type PostAction, type PostClicks, parsePostComponentId, postComponentId } from "../post-clicks.js";
import { deliveryText } from "../render.js";
import { uploadImages } from "./deliver.js";
import { toMrkdwn } from "./format.js";
import { COMMON } from "./live.js";

/**
 * Slack's side of a post's buttons (Block Kit): a section per caption with its Approve button,
 * the alt text, and an actions row with Regenerate, Shorter and menus for tone, platform and
 * language. Clicks are acknowledged first, then queued (or refused with an ephemeral message);
 * the refined post comes back as a delivery that chat.updates the same message.
 */

const SECTION = 2900; // a section's text holds 3,000 characters

const plain = (text: string) => ({ type: "plain_text" as const, text: text.slice(0, 75) });
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function button(postId: string, action: PostAction, label: string, primary = false) {
  return {
    type: "button",
    action_id: postComponentId(postId, action),
    text: plain(label),
    ...(primary ? { style: "primary" } : {}),
  };
}

function select(
  postId: string,
  action: "tone" | "platform" | "translate",
  placeholder: string,
  options: [string, string][],
) {
  return {
    type: "static_select",
    action_id: postComponentId(postId, action),
    placeholder: plain(placeholder),
    options: options.slice(0, 100).map(([value, label]) => ({ value, text: plain(label) })),
  };
}

function header(post: PostBundle): string {
  const label = PRESETS[post.platform as PlatformName]?.label ?? post.platform;
  return `${label} post, ${captionCount(post)} (limit ${post.limit})`;
}

/** The post as blocks; model text goes through toMrkdwn, so it cannot ping or link anyone. */
export function postBlocks(postId: string, post: PostBundle, languages: readonly string[]) {
  const label = PRESETS[post.platform as PlatformName]?.label ?? post.platform;
  return [
    { type: "section", text: { type: "mrkdwn", text: `*${toMrkdwn(header(post))}*` } },
    ...post.variants.map((v, n) => ({
      type: "section",
      text: {
        type: "mrkdwn",
        text: cut(`*${n + 1}.* ${toMrkdwn(v.text)}\n_${v.chars} / ${post.limit}_`, SECTION),
      },
      ...(n < 5 ? { accessory: button(postId, `approve-${n + 1}`, "Approve", true) } : {}),
    })),
    ...(post.shortfall
      ? [{ type: "context", elements: [{ type: "mrkdwn", text: cut(toMrkdwn(post.shortfall), SECTION) }] }]
      : []),
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: cut(`*Alt text:* ${toMrkdwn(post.altText)}`, SECTION) }],
    },
    {
      type: "actions",
      elements: [
        button(postId, "regenerate", "Regenerate"),
        button(postId, "shorter", "Shorter"),
        select(
          postId,
          "tone",
          `Tone: ${post.tone ?? "casual"}`,
          TONES.map((t) => [t, t]),
        ),
        select(
          postId,
          "platform",
          `Platform: ${label}`,
          PLATFORM_NAMES.map((p) => [p, PRESETS[p].label]),
        ),
        select(
          postId,
          "translate",
          "Translate…",
          languages.map((l) => [l, languageName(l)]),
        ),
      ],
    },
  ];
}

function retryBlocks(postId: string, text: string) {
  return [
    { type: "section", text: { type: "mrkdwn", text: cut(text, SECTION) } },
    { type: "actions", elements: [button(postId, "retry", "Retry", true)] },
  ];
}

interface BlockAction {
  type: string;
  action_id: string;
  action_ts?: string;
  selected_option?: { value: string };
}

export function createSlackPostActions(o: {
  client: WebClient;
  clicks: PostClicks;
  config: Config;
  blobs: BlobStore;
}) {
  const { client } = o;

  const upload = (channel: string, thread: string | undefined, images: ResultImage[]) =>
    uploadImages(client, o.blobs, channel, thread, images);

  async function show(channel: string, ts: string, postId: string, post: PostBundle) {
    await client.chat.update({
      channel,
      ts,
      text: toMrkdwn(header(post)),
      blocks: postBlocks(postId, post, o.config.post.languages),
      link_names: false,
    });
  }

  return {
    /** Deliveries this module posts: posts with buttons, their refinements and approvals. */
    owns: (d: DeliveryJob) =>
      d.command === "refine" || d.command === "approve" || (d.status === "ok" && d.post !== undefined),

    async deliver(d: DeliveryJob, live?: LiveReply): Promise<{ postedAt: number; messageIds: string[] }> {
      const channel = d.reply.channel ?? d.scope.channelId;
      const thread = d.reply.thread_ts ?? d.reply.placeholder ?? d.reply.postTs;
      const postId = d.reply.post ?? d.requestId;
      if (d.command === "refine" && d.status === "ok" && d.post && d.reply.postTs) {
        await show(channel, d.reply.postTs, postId, d.post);
        await upload(channel, thread, d.images); // only when the image changed
        return { postedAt: Date.now(), messageIds: [d.reply.postTs] };
      }
      if (d.command !== "refine" && d.command !== "approve" && d.post) {
        // The placeholder becomes the post: the stream lets go of it first (an edit in flight lands before ours).
        await live?.settle();
        let ts = live?.ids[0] ?? d.reply.placeholder;
        if (ts) await show(channel, ts, postId, d.post);
        else {
          const res = await client.chat.postMessage({
            channel,
            text: toMrkdwn(header(d.post)),
            blocks: postBlocks(postId, d.post, o.config.post.languages),
            ...(thread ? { thread_ts: thread } : {}),
            ...COMMON,
          });
          ts = res.ts as string;
        }
        await o.clicks.locate(postId, { channel, postTs: ts, thread_ts: thread ?? ts });
        await upload(channel, thread ?? ts, d.images);
        return { postedAt: Date.now(), messageIds: [ts] };
      }
      // The final "ready to post" message, or why a click could not be done, in the post's thread.
      const text = toMrkdwn(deliveryText(d));
      const retry = d.command === "approve" && d.status === "error";
      const res = await client.chat.postMessage({
        channel,
        text,
        ...(retry ? { blocks: retryBlocks(postId, text) } : {}),
        ...(thread ? { thread_ts: thread } : {}),
        ...COMMON,
      });
      await upload(channel, thread, d.images);
      return { postedAt: Date.now(), messageIds: [res.ts as string] };
    },

    /** Block actions whose id starts with post: (acknowledged at once, then read and queued). */
    register(app: App) {
      app.action(/^post:/, async ({ ack, body, action }) => {
        await ack();
        const a = action as BlockAction;
        const parsed = parsePostComponentId(a.action_id);
        const b = body as {
          user: { id: string; username?: string; name?: string };
          channel?: { id: string };
          container?: { message_ts?: string; thread_ts?: string };
          trigger_id?: string;
        };
        const channel = b.channel?.id ?? "";
        if (!parsed) return;
        try {
          const outcome = await o.clicks.click({
            ...parsed,
            ...(a.selected_option ? { value: a.selected_option.value } : {}),
            clickId: b.trigger_id ?? `${b.user.id}-${a.action_ts ?? Date.now()}`,
            user: { id: b.user.id, name: (b.user.username ?? b.user.name ?? b.user.id).slice(0, 100) },
            approver: o.config.slack.approvers.includes(b.user.id),
            reply: { channel, ...(b.container?.message_ts ? { postTs: b.container.message_ts } : {}) },
          });
          if (!outcome.accepted)
            await client.chat.postEphemeral({
              channel,
              user: b.user.id,
              text: outcome.message,
              ...(b.container?.thread_ts ? { thread_ts: b.container.thread_ts } : {}),
            });
        } catch (err) {
          logger().error({ err }, "slack post click failed");
        }
      });
    },
  };
}
