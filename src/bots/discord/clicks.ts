import {
  type ButtonInteraction,
  MessageFlags,
  PermissionFlagsBits,
  type StringSelectMenuInteraction,
} from "discord.js";
import { logger } from "../../log.js";
import { parsePostComponentId } from "../post-clicks.js";
import type { DiscordContext } from "./context.js";
import { acknowledge } from "./refusals.js";
import { scheduledList } from "./scheduled.js";
import { memberRoles, NO_MENTIONS, TOKEN_LIFETIME_MS } from "./shared.js";
import { ORIGINAL } from "./surface.js";

/** What a /scheduled entry's buttons do that takes the post off the list. */
const LIST_ACTIONS = new Set(["publish-now", "unschedule"]);

/**
 * Buttons and menus: Stop on an answer being written, and a post card's refinements and
 * approvals. Who may do what is read from Redis (the flow's conversation, the post's record), so
 * a click is judged alike whichever replica receives it.
 */
export function createClickHandlers(x: DiscordContext) {
  const { config, flow } = x;

  /** Stop: only the person who asked, or a member who may manage messages. */
  async function onStop(i: ButtonInteraction, requestId: string) {
    const mayManage = i.memberPermissions?.has(PermissionFlagsBits.ManageMessages) === true;
    const refused = await flow.whyNotStop(requestId, i.user.id, mayManage);
    if (refused) {
      await acknowledge(() =>
        i.reply({ content: refused, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }),
      );
      return;
    }
    // A click acknowledged late still stops the answer; one taken by another process is its to do.
    if ((await acknowledge(() => i.deferUpdate())) === "taken") return;
    await flow.stop(requestId);
  }

  /**
   * A post card's click, acknowledged as a deferred update before anything is read or queued. A
   * refinement redraws the clicked message through the click's own token (kept in Redis, so any
   * replica can), or through the channel once it is gone; a refusal is for the clicker's eyes.
   */
  async function onPostClick(i: ButtonInteraction | StringSelectMenuInteraction) {
    const parsed = parsePostComponentId(i.customId);
    if (!parsed) return;
    await i.deferUpdate();
    // The click's job answers in the clicked message, through the click's token while it lasts:
    // recorded before the job exists, so the delivery finds it whichever replica takes it.
    const requestId = `discord:post:${i.id}`;
    await flow.conversations.keepSecret(requestId, {
      value: { appId: i.applicationId, token: i.token },
      until: Date.now() + TOKEN_LIFETIME_MS,
    });
    await flow.conversations.open({
      requestId,
      asker: i.user.id,
      place: { channel: i.channelId, interaction: requestId },
      messages: [ORIGINAL],
    });
    const approvers = config.discord.approverRoles;
    const outcome = await flow.clicks.click({
      ...parsed,
      ...(i.isStringSelectMenu() && i.values[0] ? { value: i.values[0] } : {}),
      clickId: i.id,
      user: { id: i.user.id, name: (i.user.globalName ?? i.user.username).slice(0, 100) },
      approver: memberRoles(i.member).some((r) => approvers.includes(r)),
      reply: { channel: i.channelId, ...(i.message?.id ? { postMessage: i.message.id } : {}) },
    });
    const note = outcome.accepted ? (outcome.command === "schedule" ? outcome.note : "") : outcome.message;
    // Done from /scheduled (an ephemeral list): the list is drawn again without that post.
    if (outcome.accepted && LIST_ACTIONS.has(parsed.action) && i.message.flags.has(MessageFlags.Ephemeral))
      await i
        .editReply(await scheduledList(x, i.guildId ?? `dm:${i.user.id}`))
        .catch((err: unknown) => logger().warn({ err }, "the /scheduled list could not be redrawn"));
    if (note)
      await i.followUp({
        content: note,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
  }

  return { onStop, onPostClick };
}
