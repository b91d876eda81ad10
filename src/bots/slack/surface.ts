import type { WebClient } from "@slack/web-api";
import { type OutFile, type Outgoing, type Place, type Surface, SurfaceError } from "../../core/surface.js";
import type { Conversations } from "../../queue/conversations.js";
import { toMrkdwn } from "./format.js";
import { channelRefusal, slackError } from "./refusals.js";
import { COMMON, render, SLACK_CHUNK, slackTime } from "./render.js";

/**
 * Slack's side of the flow: messages are chat.postMessage into the place's thread, edits are
 * chat.update (an empty block list drops the Stop button once a message is final), and files go
 * up through the v2 upload flow with their alt text, into the thread. Partial edits may go
 * through `partial`, a client that gives up on `ratelimited` instead of retrying. A channel Slack
 * will not let the bot use (removed, archived) is place-gone: retrying cannot help.
 *
 * A place with `interaction` is an answer for one person's eyes ("only me"): drawn through the
 * command's response_url (its secret in Redis, so any replica can), which Slack honours for 30
 * minutes; after that the answer still reaches only them, as an ephemeral message.
 */
export function slackSurface(o: {
  client: WebClient;
  partial: WebClient;
  conversations: Conversations;
  /** Posts to a response_url (responseUrlPoster). */
  respond: (url: string, body: object) => Promise<boolean>;
}): Surface {
  const { client } = o;

  /** Draws `out` where only the asker sees it; "@original" names that one message. */
  async function privately(place: Place, out: Outgoing): Promise<string> {
    const secret = await o.conversations.secret(place.interaction as string);
    const v = secret?.value;
    if (!v?.user) throw new SurfaceError("reply-gone", "the private answer's details have run out");
    const body = { ...render(out), ...COMMON };
    if (v.url && Number(v.urlUntil) > Date.now()) {
      // The response_url comes from Slack's signed request; it replaces the private message.
      if (await o.respond(v.url, { response_type: "ephemeral", replace_original: true, ...body }))
        return "@original";
    }
    await client.chat.postEphemeral({ channel: place.channel, user: v.user, ...body } as Parameters<
      WebClient["chat"]["postEphemeral"]
    >[0]);
    return "@original";
  }

  async function call<T>(place: Place, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (channelRefusal(err, place.channel))
        throw new SurfaceError("place-gone", "Slack refuses the bot this channel", err);
      if (slackError(err) === "message_not_found")
        throw new SurfaceError("message-gone", "the message was deleted", err);
      throw err;
    }
  }

  async function upload(place: Place, thread: string, files: OutFile[] | undefined) {
    for (const f of files ?? [])
      await client.filesUploadV2({
        channel_id: place.channel,
        thread_ts: thread,
        file: f.data,
        filename: f.name,
        title: f.name,
        alt_text: f.description.slice(0, 1000),
      });
  }

  return {
    platform: "slack",
    limit: SLACK_CHUNK,
    format: toMrkdwn,
    mention: (user) => `<@${user}>`,
    time: slackTime,
    // Answers continue in the thread of their first message.
    follow: (place, first) => (place.thread || place.interaction ? place : { ...place, thread: first }),

    async post(place, out) {
      if (place.interaction) return privately(place, out);
      const res = await call(place, () =>
        client.chat.postMessage({
          channel: place.channel,
          ...render(out),
          ...(place.thread ? { thread_ts: place.thread } : {}),
          ...COMMON,
        } as Parameters<WebClient["chat"]["postMessage"]>[0]),
      );
      const ts = res.ts as string;
      await upload(place, place.thread ?? ts, out.files);
      return ts;
    },

    async edit(place, ts, out, x) {
      if (place.interaction) return privately(place, out);
      await call(place, () =>
        (x.partial ? o.partial : client).chat.update({
          channel: place.channel,
          ts,
          ...render(out),
          link_names: false,
        } as Parameters<WebClient["chat"]["update"]>[0]),
      );
      await upload(place, place.thread ?? ts, out.files);
      return ts;
    },

    async remove(place, ts) {
      await client.chat.delete({ channel: place.channel, ts });
    },

    async mark(place, ts, outcome) {
      // 👀 said "working on it"; the person's message now says how it ended. No 👀 (it was never
      // added, or someone removed it) is no reason not to say so.
      await client.reactions
        .remove({ channel: place.channel, timestamp: ts, name: "eyes" })
        .catch(() => undefined);
      await client.reactions.add({
        channel: place.channel,
        timestamp: ts,
        name: outcome === "done" ? "white_check_mark" : "warning",
      });
    },

    async notify(place, user, _answer) {
      // Slack has no allowed-mentions: a message naming only the asker pings only them.
      await client.chat.postMessage({
        channel: place.channel,
        text: `<@${user}> your answer is ready.`,
        ...(place.thread ? { thread_ts: place.thread } : {}),
        ...COMMON,
      });
    },

    async ephemeral(place, user, text) {
      await client.chat.postEphemeral({
        channel: place.channel,
        user,
        text,
        ...(place.thread ? { thread_ts: place.thread } : {}),
      });
    },
  };
}
