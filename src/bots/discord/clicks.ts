import {
  type ButtonInteraction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  PermissionFlagsBits,
  type StringSelectMenuInteraction,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { logger } from "../../log.js";
import { type ClickOutcome, type PostClick, parsePostComponentId } from "../post-clicks.js";
import {
  parseTimeFormId,
  type TimeAsk,
  timeAsked,
  timeForm,
  timeFormId,
  typedClick,
  WHEN_INPUT,
  WHEN_LABEL,
} from "../post-when.js";
import type { DiscordContext } from "./context.js";
import { acknowledge } from "./refusals.js";
import { scheduledList } from "./scheduled.js";
import { memberRoles, NO_MENTIONS, TOKEN_LIFETIME_MS } from "./shared.js";
import { ORIGINAL } from "./surface.js";

/** A post's button or menu, or the modal one of them opened. */
type Clicked = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

/** What a /scheduled entry's buttons do that changes the list: take the post off it, or move it. */
const LIST_ACTIONS = new Set(["publish-now", "unschedule", "reschedule"]);

/** The modal of Other time… and Reschedule: one short text box; its custom_id carries the ask. */
function timeModal(ask: TimeAsk): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(timeFormId(ask))
    .setTitle(timeForm(ask).title)
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(WHEN_LABEL)
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(WHEN_INPUT)
            .setStyle(TextInputStyle.Short)
            .setRequired(true)
            .setMaxLength(100),
        ),
    );
}

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

  /** Who clicked, and where the answer goes, as the flow's click has them. */
  function clicker(i: Clicked) {
    const approvers = config.discord.approverRoles;
    return {
      clickId: i.id,
      user: { id: i.user.id, name: (i.user.globalName ?? i.user.username).slice(0, 100) },
      approver: memberRoles(i.member).some((r) => approvers.includes(r)),
      reply: { channel: i.channelId ?? "", ...(i.message?.id ? { postMessage: i.message.id } : {}) },
    } satisfies Partial<PostClick>;
  }

  /** Done from /scheduled (an ephemeral list): the list is drawn again as it now stands. */
  async function redrawList(i: Clicked, action: string, outcome: ClickOutcome) {
    if (!outcome.accepted || !LIST_ACTIONS.has(action) || !i.message?.flags.has(MessageFlags.Ephemeral))
      return;
    await i
      .editReply(await scheduledList(x, i.guildId ?? `dm:${i.user.id}`))
      .catch((err: unknown) => logger().warn({ err }, "the /scheduled list could not be redrawn"));
  }

  /** A refusal, or a scheduled post's note, for the clicker's eyes only. */
  async function tell(i: Clicked, outcome: ClickOutcome) {
    const note = outcome.accepted ? (outcome.command === "schedule" ? outcome.note : "") : outcome.message;
    if (note)
      await i.followUp({
        content: note,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
  }

  /**
   * A post card's click, acknowledged as a deferred update before anything is read or queued. A
   * refinement redraws the clicked message through the click's own token (kept in Redis, so any
   * replica can), or through the channel once it is gone; a refusal is for the clicker's eyes.
   * Other time… and Reschedule are acknowledged with their modal instead.
   */
  async function onPostClick(i: ButtonInteraction | StringSelectMenuInteraction) {
    const parsed = parsePostComponentId(i.customId);
    if (!parsed) return;
    const value = i.isStringSelectMenu() ? i.values[0] : undefined;
    const ask = timeAsked({ ...parsed, ...(value ? { value } : {}) });
    if (ask) return void (await acknowledge(() => i.showModal(timeModal(ask))));
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
    const outcome = await flow.clicks.click({ ...parsed, ...(value ? { value } : {}), ...clicker(i) });
    await redrawList(i, parsed.action, outcome);
    await tell(i, outcome);
  }

  /**
   * The modal's time, typed: read in the member's zone (/timezone, else the configured one) as
   * the menu's Other time… or the Reschedule button would be; the outcome (the note, or why not)
   * is for their eyes only.
   */
  async function onTimeTyped(i: ModalSubmitInteraction) {
    const ask = parseTimeFormId(i.customId);
    if (!ask) return;
    if ((await acknowledge(() => i.deferUpdate())) === "taken") return;
    const click = typedClick(ask, i.fields.getTextInputValue(WHEN_INPUT));
    const outcome = await flow.clicks.click({ ...click, ...clicker(i) });
    await redrawList(i, click.action, outcome);
    await tell(i, outcome);
  }

  return { onStop, onPostClick, onTimeTyped };
}
