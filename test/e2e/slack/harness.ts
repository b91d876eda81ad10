import { createHmac } from "node:crypto";
import { SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN } from "../../helpers/secrets.js";
import type { OpenedView } from "./stand-in-views.js";

/** What Slack would sign and send: the e2e tests' side of the Events API and interactivity. */
export const TOKEN = SLACK_TEST_TOKEN;
export const SECRET = SLACK_TEST_SIGNING_SECRET;

export function sign(body: string, ts = Math.floor(Date.now() / 1000)) {
  const sig = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(ts), "x-slack-signature": sig };
}

export interface SendOptions {
  form?: boolean;
  retry?: number;
  headers?: Record<string, string>;
}

/** Posts a signed event, command or interaction payload to the app at `base`. */
export async function sendSigned(base: string, payload: unknown, opts: SendOptions = {}) {
  const body = opts.form
    ? new URLSearchParams(payload as Record<string, string>).toString()
    : JSON.stringify(payload);
  const t0 = Date.now();
  const res = await fetch(`${base}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": opts.form ? "application/x-www-form-urlencoded" : "application/json",
      ...sign(body),
      ...(opts.retry
        ? { "x-slack-retry-num": String(opts.retry), "x-slack-retry-reason": "http_timeout" }
        : {}),
      ...opts.headers,
    },
    body,
  });
  const ms = Date.now() - t0;
  // What the app answered in the acknowledgement itself (a modal's response_action, for one).
  return { status: res.status, ms, body: await res.text() };
}

export function slackFile(host: string, id: string, name: string) {
  return {
    id,
    name,
    mimetype: "image/png",
    filetype: "png",
    url_private: `${host}/files/${id}`,
    url_private_download: `${host}/files/${id}`,
  };
}

export function mentionEvent(
  eventId: string,
  channel: string,
  ts: string,
  files: unknown[],
  text = "<@UBOT> what colour is this?",
  extra: { thread_ts?: string; user?: string } = {},
) {
  return {
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: eventId,
    event_time: 1,
    event: { type: "app_mention", user: extra.user ?? "U1", text, ts, channel, files, ...extra },
  };
}

/** An upload as Slack's Events API sends it: a `file_share` message in a channel (no mention). */
export function uploadEvent(eventId: string, channel: string, ts: string, files: unknown[], user = "U6") {
  return {
    type: "event_callback",
    team_id: "T1",
    event_id: eventId,
    event: {
      type: "message",
      subtype: "file_share",
      user,
      channel,
      channel_type: "channel",
      ts,
      text: "",
      files,
    },
  };
}

/**
 * A slash command as Slack posts it (send it with `{ form: true }`); its response_url is the
 * stand-in's `/respond/<trigger>`, so a test can find what was said through it.
 */
export function slashCommand(o: {
  command: string;
  text?: string;
  user: string;
  channel: string;
  trigger: string;
  standIn: string;
}) {
  return {
    command: o.command,
    text: o.text ?? "",
    user_id: o.user,
    channel_id: o.channel,
    team_id: "T1",
    trigger_id: o.trigger,
    response_url: `${o.standIn}/respond/${o.trigger}`,
  };
}

/** A click on a Block Kit button, as Slack posts it (form-encoded `payload`). */
export function buttonClick(o: {
  user: string;
  channel: string;
  messageTs: string;
  actionId: string;
  value: string;
  /** The thread the clicked message is in, which Slack sends with the container. */
  threadTs?: string;
}) {
  const thread = o.threadTs ? { thread_ts: o.threadTs } : {};
  return {
    payload: JSON.stringify({
      type: "block_actions",
      team: { id: "T1" },
      user: { id: o.user },
      api_app_id: "A1",
      token: "verification",
      trigger_id: `trig-${o.actionId}-${o.user}-${Date.now()}`,
      channel: { id: o.channel },
      container: { type: "message", message_ts: o.messageTs, channel_id: o.channel, ...thread },
      message: { ts: o.messageTs, text: "", ...thread },
      response_url: "http://127.0.0.1:1/respond",
      actions: [
        {
          type: "button",
          action_id: o.actionId,
          block_id: "b1",
          value: o.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    }),
  };
}

/**
 * A modal's submit, as Slack posts it (form-encoded `payload`): the view as views.open recorded
 * it, with what the person typed into each input block (by block_id) in its state.
 */
export function viewSubmission(o: {
  user: { id: string; username: string };
  view: OpenedView;
  typed: Record<string, string>;
}) {
  const values: Record<string, Record<string, { type: string; value: string }>> = {};
  for (const b of o.view.view.blocks)
    if (b.type === "input" && b.block_id && b.element)
      values[b.block_id] = {
        [b.element.action_id]: { type: b.element.type, value: o.typed[b.block_id] ?? "" },
      };
  return {
    payload: JSON.stringify({
      type: "view_submission",
      team: { id: "T1", domain: "t" },
      user: { id: o.user.id, username: o.user.username, name: o.user.username, team_id: "T1" },
      api_app_id: "A1",
      token: "legacy",
      trigger_id: `trig-view-${o.view.id}-${Date.now()}`,
      view: {
        ...o.view.view,
        id: o.view.id,
        team_id: "T1",
        state: { values },
        hash: `${Date.now()}.${o.view.id}`,
        root_view_id: o.view.id,
        previous_view_id: null,
        app_id: "A1",
        bot_id: "BBOT",
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    }),
  };
}
