import {
  type ButtonInteraction,
  ButtonStyle,
  type Client,
  ComponentType,
  MessageFlags,
  Routes,
  type StringSelectMenuInteraction,
} from "discord.js";
import type { Config } from "../../config/schema.js";
import type { DeliveryJob, PostBundle } from "../../core/jobs.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../../core/post-state.js";
import type { BlobStore } from "../../queue/blobs.js";
import { PRESETS } from "../../skills/post/presets.js";
import { languageName } from "../../skills/post/prompts.js";
import { postText } from "../../skills/post/summary.js";
import { type PostClicks, parsePostComponentId, postComponentId } from "../post-clicks.js";
import { deliveryText } from "../render.js";
import { splitMessage } from "../text.js";
import { DiscordRefusal, refusalCode, sendFittingFiles } from "./refusals.js";
import {
  DISCORD_LIMIT,
  deliveryFiles,
  memberRoles,
  NO_MENTIONS,
  NO_PINGS,
  TOKEN_LIFETIME_MS,
} from "./shared.js";

/**
 * Discord's side of a post's buttons: the post message carries Regenerate, Shorter, menus for
 * tone, platform and language, and one Approve button per caption. A click is acknowledged as a
 * deferred update (or refused, ephemerally) and queued; the refined post comes back as a delivery
 * that edits the same message through the click's interaction token, or through the channel
 * when the token is gone (another replica, or past its 15 minutes).
 */

type Row = { type: ComponentType.ActionRow; components: unknown[] };

function button(
  postId: string,
  action: Parameters<typeof postComponentId>[1],
  label: string,
  primary = false,
) {
  return {
    type: ComponentType.Button,
    style: primary ? ButtonStyle.Success : ButtonStyle.Secondary,
    label,
    custom_id: postComponentId(postId, action),
  };
}

function menu(
  postId: string,
  action: "tone" | "platform" | "translate",
  placeholder: string,
  options: { value: string; label: string }[],
): Row {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: postComponentId(postId, action),
        placeholder,
        options: options.slice(0, 25).map((o) => ({ value: o.value, label: o.label.slice(0, 100) })),
      },
    ],
  };
}

/** Five rows, Discord's most: refine buttons, three menus, and Approve per caption (at most five). */
export function postRows(postId: string, post: PostBundle, languages: readonly string[]): Row[] {
  const rows: Row[] = [
    {
      type: ComponentType.ActionRow,
      components: [button(postId, "regenerate", "Regenerate"), button(postId, "shorter", "Shorter")],
    },
    menu(
      postId,
      "tone",
      `Tone: ${post.tone ?? "casual"}`,
      TONES.map((t) => ({ value: t, label: t })),
    ),
    menu(
      postId,
      "platform",
      `Platform: ${PRESETS[post.platform as PlatformName]?.label ?? post.platform}`,
      PLATFORM_NAMES.map((p) => ({ value: p, label: PRESETS[p].label })),
    ),
    menu(
      postId,
      "translate",
      "Translate…",
      languages.map((l) => ({ value: l, label: languageName(l) })),
    ),
  ];
  const approve = post.variants
    .slice(0, 5)
    .map((_, n) => button(postId, `approve-${n + 1}`, `Approve ${n + 1}`, true));
  if (approve.length) rows.push({ type: ComponentType.ActionRow, components: approve });
  return rows;
}

function retryRow(postId: string): Row {
  return { type: ComponentType.ActionRow, components: [button(postId, "retry", "Retry", true)] };
}

const OVERFLOW_NOTE = "\n… the whole post is in post.txt";

/**
 * A post message holds 2,000 characters and its buttons must stay on it, so a longer post shows
 * its start (cut at a boundary) and comes whole as post.txt, which Discord shows inline: nothing
 * a team would copy is ever cut.
 */
export function fitPost(text: string): {
  content: string;
  overflow?: { name: string; data: Buffer; description: string };
} {
  if ([...text].length <= DISCORD_LIMIT) return { content: text };
  const start = splitMessage(text, DISCORD_LIMIT - [...OVERFLOW_NOTE].length)[0] ?? "";
  return {
    content: `${start}${OVERFLOW_NOTE}`,
    overflow: { name: "post.txt", data: Buffer.from(text, "utf8"), description: "The whole post" },
  };
}

type Token = { appId: string; token: string; until: number };

export function createDiscordPostButtons(o: {
  client: Client;
  clicks: PostClicks;
  config: Config;
  blobs: BlobStore;
}) {
  // Click tokens stay in this process's memory, never in job data.
  const tokens = new Map<string, Token>();

  /** A message body with its files, for the REST routes that take both. */
  async function body(d: DeliveryJob, text: string, components: Row[]) {
    const { content, overflow } = fitPost(text);
    const f = [...(await deliveryFiles(o.blobs, d)), ...(overflow ? [overflow] : [])];
    return {
      body: {
        content,
        components,
        allowed_mentions: NO_PINGS,
        ...(f.length
          ? { attachments: f.map((x, id) => ({ id, filename: x.name, description: x.description })) }
          : {}),
      },
      files: f.map((x) => ({ name: x.name, data: x.data })),
    };
  }

  async function send(
    channelId: string,
    replyTo: string | undefined,
    payload: Awaited<ReturnType<typeof body>>,
  ) {
    const m = (await o.client.rest.post(Routes.channelMessages(channelId), {
      body: {
        ...payload.body,
        ...(replyTo ? { message_reference: { message_id: replyTo, fail_if_not_exists: false } } : {}),
      },
      files: payload.files,
    })) as { id: string };
    return m.id;
  }

  /**
   * A mention's "working on it" reply becomes the post, buttons and all, so no placeholder with a
   * Stop button is left behind; if someone deleted it meanwhile, the post is a new reply.
   */
  async function replace(
    channelId: string,
    placeholder: string,
    replyTo: string | undefined,
    payload: Awaited<ReturnType<typeof body>>,
  ) {
    try {
      await o.client.rest.patch(Routes.channelMessage(channelId, placeholder), payload);
      return placeholder;
    } catch (err) {
      if (refusalCode(err) !== DiscordRefusal.UnknownMessage) throw err;
      return send(channelId, replyTo, payload);
    }
  }

  /** A new post: its message with the buttons, where the request's answer goes. */
  async function postNew(d: DeliveryJob, post: PostBundle, interaction: Omit<Token, "until"> | undefined) {
    const channel = d.reply.channel ?? d.scope.channelId;
    const payload = await body(d, postText(post), postRows(d.requestId, post, o.config.post.languages));
    let id: string;
    if (interaction) {
      const m = (await o.client.rest.patch(Routes.webhookMessage(interaction.appId, interaction.token), {
        ...payload,
        auth: false,
      })) as { id: string };
      id = m.id;
    } else if (d.reply.placeholder)
      id = await replace(channel, d.reply.placeholder, d.reply.message, payload);
    else id = await send(channel, d.reply.message, payload);
    await o.clicks.locate(d.requestId, { channel, postMessage: id });
    return id;
  }

  /** A refined post replaces the message it came from, buttons and all. */
  async function edit(d: DeliveryJob, post: PostBundle) {
    const postId = d.reply.post ?? d.requestId;
    const payload = await body(d, postText(post), postRows(postId, post, o.config.post.languages));
    const token = tokens.get(d.requestId);
    tokens.delete(d.requestId);
    if (token && token.until > Date.now()) {
      await o.client.rest.patch(Routes.webhookMessage(token.appId, token.token), { ...payload, auth: false });
    } else {
      const channel = d.reply.channel ?? d.scope.channelId;
      await o.client.rest.patch(Routes.channelMessage(channel, d.reply.postMessage ?? ""), payload);
    }
    return d.reply.postMessage ?? postId;
  }

  return {
    /** Deliveries this module posts: posts with buttons, their refinements and approvals. */
    owns: (d: DeliveryJob) =>
      d.command === "refine" || d.command === "approve" || (d.status === "ok" && d.post !== undefined),

    async deliver(d: DeliveryJob, interaction?: Omit<Token, "until">) {
      const ids: string[] = [];
      if (d.command === "refine" && d.status === "ok" && d.post) ids.push(await edit(d, d.post));
      else if (d.command !== "refine" && d.command !== "approve" && d.post)
        ids.push(await postNew(d, d.post, interaction));
      else {
        // The final "ready to post" message, or why a click could not be done, under the post.
        // It is what people copy: a long caption continues in a second message, never cut.
        const retry = d.command === "approve" && d.status === "error" && d.reply.post;
        const channel = d.reply.channel ?? d.scope.channelId;
        const chunks = splitMessage(deliveryText(d), DISCORD_LIMIT);
        for (const [n, content] of chunks.entries()) {
          const last = n === chunks.length - 1;
          const payload = last
            ? await body(d, content, retry ? [retryRow(d.reply.post ?? "")] : [])
            : { body: { content, components: [], allowed_mentions: NO_PINGS }, files: [] };
          const replyTo = n === 0 ? d.reply.postMessage : undefined;
          const sent = await sendFittingFiles(
            (withFiles) =>
              send(
                channel,
                replyTo,
                withFiles ? payload : { ...payload, body: { ...payload.body, attachments: [] }, files: [] },
              ),
            (note) =>
              send(channel, undefined, {
                body: { content: note, components: [], allowed_mentions: NO_PINGS },
                files: [],
              }),
          );
          ids.push(...sent);
        }
      }
      return { postedAt: Date.now(), messageIds: ids };
    },

    async onClick(i: ButtonInteraction | StringSelectMenuInteraction) {
      const parsed = parsePostComponentId(i.customId);
      if (!parsed) return;
      const { postId, action } = parsed;
      // Acknowledged before anything is read or queued; a refusal follows as an ephemeral message.
      await i.deferUpdate();
      const approvers = o.config.discord.approverRoles;
      const outcome = await o.clicks.click({
        postId,
        action,
        ...(i.isStringSelectMenu() && i.values[0] ? { value: i.values[0] } : {}),
        clickId: i.id,
        user: { id: i.user.id, name: (i.user.globalName ?? i.user.username).slice(0, 100) },
        approver: memberRoles(i.member).some((r) => approvers.includes(r)),
        reply: { channel: i.channelId, ...(i.message?.id ? { postMessage: i.message.id } : {}) },
      });
      if (!outcome.accepted) {
        await i.followUp({
          content: outcome.message,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      // Only a refinement edits the clicked message; approvals answer with a new one.
      if (outcome.command !== "refine") return;
      const now = Date.now();
      for (const [id, t] of tokens) if (t.until < now) tokens.delete(id);
      tokens.set(outcome.requestId, {
        appId: i.applicationId,
        token: i.token,
        until: now + TOKEN_LIFETIME_MS,
      });
    },
  };
}
