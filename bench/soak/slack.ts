/**
 * bench:soak's Slack traffic: signed Events API requests to the bot's real Bolt app, with files
 * served by the Slack stand-in. Mentions with a photo, /describe on the channel's latest photo,
 * uploads in an auto-caption channel, and bad inputs.
 */

import {
  mentionEvent,
  SECRET,
  sendSigned,
  slackFile,
  TOKEN,
  uploadEvent,
} from "../../test/e2e/slack/harness.js";
import { startSlackStandIn } from "../../test/e2e/slack/stand-in.js";
import type { Photo } from "./photos.js";
import type { Outcome, Tracked } from "./track.js";

export const SLACK_AUTOCAPTION = "CSOAKAUTO";
export { SECRET as SLACK_SECRET, TOKEN as SLACK_TOKEN };

export async function slackTraffic() {
  const api = await startSlackStandIn(TOKEN);
  let n = 0;
  let base = "";

  function upload(photo: Photo) {
    const id = `FSOAK${++n}`;
    api.files.set(id, photo.bytes);
    const filetype = photo.name.split(".").pop()?.toLowerCase() ?? "png";
    return { ...slackFile(api.url, id, photo.name), mimetype: photo.type, filetype };
  }

  /** The bot's messages in a thread, or in a channel of its own (a slash command's), as they read now. */
  function messagesOf(t: Tracked) {
    const [channel, thread] = t.key.split("/");
    return [...api.posted.values()].filter(
      (m) => m.channel === channel && (!thread || m.thread_ts === thread),
    );
  }

  function outcome(t: Tracked): Outcome {
    const msgs = messagesOf(t);
    const live = msgs.some((m) => JSON.stringify(m.blocks ?? []).includes('"action_id":"stop"'));
    const progress = msgs.some((m) => /^(⏳|Working on it|You're #\d+ in line)/.test(String(m.text ?? "")));
    return {
      done: msgs.length > 0 && !live && !progress,
      answers: msgs.map((m) => String(m.text ?? "")).filter((s) => s.trim()),
    };
  }

  async function signed(t: Tracked, payload: unknown, form = false): Promise<Tracked> {
    const res = await sendSigned(base, payload, form ? { form: true } : {});
    t.ackMs = res.ms;
    if (res.status !== 200) throw new Error(`Slack event answered ${res.status}`);
    return t;
  }

  return {
    api,
    outcome,
    /** Where the bot's Events API listens, once it has started. */
    connect(url: string) {
      base = url;
    },
    async send(kind: string, photo: Photo): Promise<Tracked> {
      const seq = ++n;
      const ts = `1700000000.${String(seq).padStart(6, "0")}`;
      const user = `USOAK${seq % 40}`;
      const bad = !!photo.bad;
      if (kind === "describe") {
        // A channel per command: its placeholder and answer are the only messages there.
        const channel = `CSOAKD${seq}`;
        api.history.set(channel, [{ user, ts, files: [upload(photo)] }]);
        const t: Tracked = { platform: "slack", kind, key: channel, sentAt: Date.now(), bad };
        return signed(
          t,
          {
            command: "/describe",
            text: "",
            user_id: user,
            channel_id: channel,
            team_id: "T1",
            trigger_id: `trig-soak-${seq}`,
            response_url: `${api.url}/respond/soak-${seq}`,
          },
          true,
        );
      }
      if (kind === "autocaption") {
        const t: Tracked = {
          platform: "slack",
          kind,
          key: `${SLACK_AUTOCAPTION}/${ts}`,
          sentAt: Date.now(),
          bad,
        };
        return signed(t, uploadEvent(`EvSoak${seq}`, SLACK_AUTOCAPTION, ts, [upload(photo)], user));
      }
      const channel = "CSOAK";
      const t: Tracked = {
        platform: "slack",
        kind: "mention",
        key: `${channel}/${ts}`,
        sentAt: Date.now(),
        bad,
      };
      return signed(
        t,
        mentionEvent(`EvSoak${seq}`, channel, ts, [upload(photo)], "<@UBOT> what is in this photo?", {
          user,
        }),
      );
    },
    close: () => api.close(),
  };
}
