import type { App } from "@slack/bolt";
import { logger } from "../../log.js";
import { parsePostComponentId } from "../post-clicks.js";
import type { SlackContext } from "./context.js";
import { scheduledList } from "./scheduled.js";

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
 */
export function registerClicks(app: App, x: SlackContext) {
  const { config, flow } = x;

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
    try {
      const outcome = await flow.clicks.click({
        ...parsed,
        ...(a.selected_option ? { value: a.selected_option.value } : {}),
        clickId: b.trigger_id ?? `${b.user.id}-${a.action_ts ?? Date.now()}`,
        user: { id: b.user.id, name: (b.user.username ?? b.user.name ?? b.user.id).slice(0, 100) },
        approver: config.slack.approvers.includes(b.user.id),
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
      if (note) await x.whisper(channel, b.user.id, note, b.container?.thread_ts);
    } catch (err) {
      logger().error({ err }, "slack post click failed");
    }
  });
}
