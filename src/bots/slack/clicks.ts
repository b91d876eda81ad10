import type { App } from "@slack/bolt";
import { newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import { type ClickOutcome, type PostClick, parsePostComponentId } from "../post-clicks.js";
import { timeAsked, typedClick, WHEN_INPUT } from "../post-when.js";
import type { SlackContext } from "./context.js";
import { scheduledList } from "./scheduled.js";
import { readTimeView, TIME_VIEW, timeView } from "./time-form.js";

interface BlockAction {
  type: string;
  action_id: string;
  action_ts?: string;
  value?: string;
  selected_option?: { value: string };
}

interface ActionBody {
  user: { id: string; username?: string; name?: string };
  channel?: { id: string };
  team?: { id: string };
  container?: { message_ts?: string; thread_ts?: string; is_ephemeral?: boolean };
  trigger_id?: string;
  response_url?: string;
}

/** What a /scheduled entry's buttons do that takes the post off the list. */
const LIST_ACTIONS = new Set(["publish-now", "unschedule"]);

/**
 * Buttons and menus: Stop (the person who asked, or a Slack admin listed in config) and a post
 * card's refinements and approvals. Acknowledged first; who may do what is read from Redis, so a
 * click is judged alike whichever replica receives it. A refusal is said where it was clicked.
 * Other time… and Reschedule open a modal; its typed time is read in the Slack zone of the person
 * the post is for (post-schedule.ts).
 */
export function registerClicks(app: App, x: SlackContext) {
  const { client, config, flow } = x;

  /** The person as the flow's click has them. */
  function clicker(user: ActionBody["user"]) {
    return {
      user: { id: user.id, name: (user.username ?? user.name ?? user.id).slice(0, 100) },
      approver: config.slack.approvers.includes(user.id),
    } satisfies Partial<PostClick>;
  }

  /**
   * /scheduled's list drawn again through its response_url, the one way to change an ephemeral
   * message; the URL came with the signed click that opened the modal.
   */
  async function redrawList(url: string, team: string): Promise<void> {
    const drawn = await scheduledList(flow, team);
    if (!(await x.postResponse(url, { replace_original: true, response_type: "ephemeral", ...drawn })))
      throw new Error("the response_url did not take the list");
  }

  app.action("stop", async ({ ack, body, action }) => {
    await ack();
    const b = body as unknown as ActionBody;
    const requestId = (action as BlockAction).value ?? "";
    const who = b.user.id;
    const refused = await flow.whyNotStop(requestId, who, config.slack.admins.includes(who));
    if (refused)
      return void (await x
        .whisper(b.channel?.id ?? "", who, refused, b.container?.thread_ts)
        .catch(() => undefined));
    await flow.stop(requestId);
  });

  app.action(/^post:/, async ({ ack, body, action, respond }) => {
    await ack();
    const a = action as BlockAction;
    const parsed = parsePostComponentId(a.action_id);
    const b = body as unknown as ActionBody;
    const channel = b.channel?.id ?? "";
    if (!parsed) return;
    const value = a.selected_option?.value;
    const thread = b.container?.thread_ts;
    try {
      // The modal opens on the click's trigger_id, which lasts 3 s: before anything is read.
      const ask = timeAsked({ ...parsed, ...(value ? { value } : {}) });
      if (ask && b.trigger_id) {
        const place = {
          channel,
          ...(b.container?.message_ts ? { message: b.container.message_ts } : {}),
          ...(thread ? { thread } : {}),
          ...(b.container?.is_ephemeral && b.response_url ? { list: b.response_url } : {}),
        };
        return void (await client.views.open({ trigger_id: b.trigger_id, view: timeView(ask, place) }));
      }
      const outcome = await flow.clicks.click({
        ...parsed,
        ...(value ? { value } : {}),
        clickId: b.trigger_id ?? `${b.user.id}-${a.action_ts ?? Date.now()}`,
        ...clicker(b.user),
        reply: { channel, ...(b.container?.message_ts ? { postMessage: b.container.message_ts } : {}) },
      });
      const note = outcome.accepted ? (outcome.command === "schedule" ? outcome.note : "") : outcome.message;
      // Done from /scheduled (an ephemeral list, which only its response_url can change): drawn again.
      if (outcome.accepted && LIST_ACTIONS.has(parsed.action) && b.container?.is_ephemeral && b.response_url)
        await respond({
          replace_original: true,
          response_type: "ephemeral",
          ...(await scheduledList(flow, b.team?.id ?? "slack")),
        });
      if (note) await x.whisper(channel, b.user.id, note, thread);
    } catch (err) {
      logger().error({ err }, "slack post click failed");
    }
  });

  /**
   * The modal's time, typed. Answered in the acknowledgement itself: a refusal (past, too far,
   * unreadable, not theirs to schedule) shows under the text box and the modal stays; otherwise
   * it closes and the note is said where the menu or button was clicked.
   */
  app.view(TIME_VIEW, async ({ ack, body, view }) => {
    const typed = readTimeView(view);
    if (!typed) return void (await ack());
    const { ask, place, words } = typed;
    const reply = { channel: place.channel, ...(place.message ? { postMessage: place.message } : {}) };
    const click = async () =>
      flow.clicks.click({
        ...typedClick(ask, words),
        clickId: `${view.id}-${body.user.id}`,
        ...clicker(body.user),
        reply,
      });
    const outcome = await click().catch((err: unknown): ClickOutcome => {
      const errorId = newErrorId();
      logger().error({ err, errorId }, "slack typed time failed");
      return { accepted: false, message: userMessage(err, errorId) };
    });
    if (!outcome.accepted)
      return void (await ack({ response_action: "errors", errors: { [WHEN_INPUT]: outcome.message } }));
    await ack();
    if (outcome.command !== "schedule") return;
    await x
      .whisper(place.channel, body.user.id, outcome.note, place.thread)
      .catch((err: unknown) => logger().warn({ err }, "slack schedule note failed"));
    if (place.list)
      await redrawList(place.list, body.team?.id ?? "slack").catch((err: unknown) =>
        logger().warn({ err }, "the /scheduled list could not be redrawn"),
      );
  });
}
