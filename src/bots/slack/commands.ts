import type { App } from "@slack/bolt";
import type { CommandName } from "../../core/jobs.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { captionedByConfig } from "../access.js";
import { parseMessage } from "../commands.js";
import type { SlackContext } from "./context.js";
import { fileDetails, imageFiles, type SlackFile } from "./files.js";
import { toMrkdwn } from "./format.js";
import { latestImage } from "./recent.js";
import { channelRefusal } from "./refusals.js";
import { scheduledList } from "./scheduled.js";

const SLASH = ["describe", "ask", "ocr", "edit", "detect", "segment", "cutout", "post", "generate"] as const;
/** Commands whose answer may be for the asker's eyes only. */
const PRIVATE_ALLOWED = new Set<string>(["describe", "ask"]);
/** Slack honours a command's response_url for 30 minutes; a little less, to be safe. */
const RESPONSE_URL_MS = 29 * 60_000;

/**
 * "only me" at the start or end of a command's words (`/describe only me`, `/ask only me: what
 * does the sign say?`, `/ask what is this? (only me)`): the answer is for the asker alone.
 */
export function onlyMe(text: string): { text: string; only: boolean } {
  const start = /^\s*only me\b[\s:,.;-]*/i;
  const end = /[\s,;-]*\(?only me\)?[\s.!]*$/i;
  if (start.test(text)) return { text: text.replace(start, ""), only: true };
  if (end.test(text)) return { text: text.replace(end, ""), only: true };
  return { text, only: false };
}

function ago(ts: string): string {
  const s = Math.max(0, Math.round(Date.now() / 1000 - Number(ts)));
  return s < 90
    ? "just now"
    : s < 5400
      ? `${Math.round(s / 60)} minutes ago`
      : `${Math.round(s / 3600)} hours ago`;
}

/**
 * Slash commands (which carry no file: they act on the user's latest image in the channel, or,
 * for /generate, on a prompt), /autocaption, and the message shortcuts (Describe image, Make a
 * post) that act on the message they were used on. Each is acknowledged within Slack's 3 s.
 */
export function registerCommands(app: App, x: SlackContext) {
  const { client, config, flow, producer } = x;
  const autocaption = producer.setting("slack:autocaption");

  async function runOnFile(r: {
    requestId: string;
    command: CommandName;
    args: Record<string, string | number | boolean>;
    text: string;
    user: string;
    channel: string;
    team?: string;
    /** The image it works on, with its message's ts; none for /generate from a prompt. */
    source?: { file: SlackFile; ts: string };
    threadTs?: string;
    label: string;
    /** "only me": the command's response_url, through which only the asker sees the answer. */
    privately?: string;
  }) {
    const { source } = r;
    const name = source?.file.name ?? "your image";
    const when = source ? ago(source.ts) : "";
    const intro = source ? `${r.label} on *${toMrkdwn(name)}* (${when})…` : `${r.label}…`;
    // The answer goes in the photo's thread: next to the photo, under its owner (who asked).
    const thread = r.threadTs ?? source?.ts;
    if (r.privately)
      await flow.conversations.keepSecret(r.requestId, {
        value: { url: r.privately, urlUntil: String(Date.now() + RESPONSE_URL_MS), user: r.user },
        until: Date.now() + 24 * 3600_000,
      });
    const place = r.privately
      ? { channel: r.channel, interaction: r.requestId }
      : { channel: r.channel, ...(thread ? { thread } : {}) };
    const opened = await flow.open({
      requestId: r.requestId,
      place,
      asker: r.user,
      scope: r.team ?? "slack",
      text: intro,
    });
    if (!opened) return; // Slack repeated the command; the first delivery answers it
    const images = source
      ? await x.store([source.file]).catch(async (err: unknown) => {
          await flow.drop(r.requestId);
          throw err;
        })
      : [];
    const result = await x
      .submit({
        requestId: r.requestId,
        priority: "interactive",
        command: r.command,
        args: r.args,
        text: r.text,
        images,
        user: { id: r.user },
        scope: { id: r.team ?? "slack", channelId: r.channel },
        // A slash command's answer keeps saying which photo it found (a shortcut's is on its
        // message; a post's card and its later messages show the photo itself).
        reply: {
          ...place,
          ...(source && !r.threadTs && r.command !== "post"
            ? { note: `${r.label} on **${name}** (${when}):` }
            : {}),
        },
      })
      .catch(async (err: unknown) => {
        await flow.drop(r.requestId);
        throw err;
      });
    if (result.duplicate) return void (await flow.drop(r.requestId));
    if (result.position > 1) flow.show(r.requestId, `${intro}\nYou're #${result.position} in line.`);
  }

  for (const name of SLASH) {
    app.command(`/${name}`, async ({ command, ack, respond }) => {
      await ack(); // within Slack's 3 s, before any download or queueing
      if (await x.refuseUnserved(command.channel_id, respond)) return;
      try {
        if (name === "generate" && (config.imagegen.backend === "none" || !config.imagegen.url))
          throw new CodedError(ErrorCode.BackendMissing, "Image generation is not set up on this bot.");
        const asked = PRIVATE_ALLOWED.has(name)
          ? onlyMe(command.text ?? "")
          : { text: command.text ?? "", only: false };
        const parsed = parseMessage(`/${name} ${asked.text}`);
        // /generate makes a new image from its prompt (as on Discord); the others work on the
        // user's latest image, since a slash command carries no file.
        let source: { file: SlackFile; ts: string } | undefined;
        if (name === "generate") {
          if (!parsed.text.trim())
            throw new CodedError(
              ErrorCode.BadRequest,
              "Tell me what to make, e.g. `/generate a lighthouse at dusk, watercolour`.",
            );
        } else {
          source = await latestImage(client, { channel: command.channel_id, user: command.user_id });
          if (!source)
            throw new CodedError(
              ErrorCode.NoImage,
              `I couldn't find a recent image from you in this channel. Upload one here, then run /${name} again.`,
            );
        }
        await runOnFile({
          requestId: `slack:cmd:${command.trigger_id}`,
          command: parsed.command,
          args: parsed.args,
          text: parsed.text,
          user: command.user_id,
          channel: command.channel_id,
          team: command.team_id,
          ...(source ? { source } : {}),
          label: `/${name}`,
          ...(asked.only ? { privately: command.response_url } : {}),
        });
      } catch (err) {
        await x.fail(`cmd:${command.trigger_id}`, err, {
          channel: command.channel_id,
          user: command.user_id,
          ephemeral: true,
          respond: (text: string) => respond({ response_type: "ephemeral", text }),
        });
      }
    });
  }

  // /timezone and /scheduled: answered at once, for the person's eyes only.
  app.command("/timezone", async ({ command, ack, respond }) => {
    await ack();
    const out = await flow.clicks.schedule.setZone({ id: command.user_id }, command.text ?? "");
    // A profile's zone wins over the one set here (post-schedule's zoneOf): said, not hidden.
    const profile = out.ok ? await x.profileZone(command.user_id) : undefined;
    const text = profile
      ? `Times typed for the posts you ask for are read in your Slack profile's time zone, ${profile}; change it in your profile. ${(command.text ?? "").trim()} is kept for when your profile has none.`
      : out.message;
    await respond({ response_type: "ephemeral", text });
  });

  app.command("/scheduled", async ({ command, ack, respond }) => {
    await ack();
    await respond({ response_type: "ephemeral", ...(await scheduledList(flow, command.team_id ?? "slack")) });
  });

  app.command("/autocaption", async ({ command, ack, respond }) => {
    await ack();
    if (await x.refuseUnserved(command.channel_id, respond)) return;
    const channel = command.channel_id;
    const on = /^\s*on\s*$/i.test(command.text ?? "");
    const off = /^\s*off\s*$/i.test(command.text ?? "");
    // Said for the admin's eyes only. Where Slack refuses the bot the channel, the command's
    // response URL still reaches them, with why: captions need the bot to see the uploads.
    const say = (text: string) =>
      x.whisper(channel, command.user_id, text).catch(async (err: unknown) => {
        const refused = channelRefusal(err, channel, await x.botName());
        if (!refused) throw err;
        await respond({ response_type: "ephemeral", text: on ? `${text}\n⚠️ ${refused}` : text });
      });
    if (!on && !off) return void (await say("Use `/autocaption on` or `/autocaption off`."));
    const info = await client.users.info({ user: command.user_id }).catch(() => undefined);
    const u = info?.user as { is_admin?: boolean; is_owner?: boolean } | undefined;
    if (!(u?.is_admin || u?.is_owner || config.slack.admins.includes(command.user_id)))
      return void (await say("Only workspace admins can switch auto-captions."));
    if (off && config.slack.autocaptionChannels.includes(channel))
      return void (await say(captionedByConfig("slack.autocaptionChannels")));
    if (on) await autocaption.add(channel);
    else await autocaption.remove(channel);
    await say(
      on
        ? "Auto-captions are on: every image posted here gets a caption and alt-text suggestion in its thread."
        : "Auto-captions are off for this channel.",
    );
  });

  for (const [callback, command, label] of [
    ["describe_image", "describe", "Describe image"],
    ["make_post", "post", "Make a post"],
  ] as const) {
    app.shortcut(callback, async ({ shortcut, ack, respond }) => {
      await ack();
      const s = shortcut as unknown as {
        trigger_id: string;
        user: { id: string };
        channel: { id: string };
        team?: { id: string };
        message: { ts: string; thread_ts?: string; files?: SlackFile[] };
      };
      if (await x.refuseUnserved(s.channel.id, respond)) return;
      const file = imageFiles(await fileDetails(client, s.message.files))[0];
      try {
        if (!file) throw new CodedError(ErrorCode.NoImage, "That message has no image.");
        await runOnFile({
          requestId: `slack:sc:${s.trigger_id}`,
          command,
          args: {},
          text: "",
          user: s.user.id,
          channel: s.channel.id,
          ...(s.team ? { team: s.team.id } : {}),
          source: { file, ts: s.message.ts },
          threadTs: s.message.thread_ts ?? s.message.ts,
          label,
        });
      } catch (err) {
        await x.fail(`sc:${s.trigger_id}`, err, {
          channel: s.channel.id,
          ...(s.message.thread_ts ? { thread: s.message.thread_ts } : {}),
          user: s.user.id,
          ephemeral: true,
          respond: (text) => respond({ response_type: "ephemeral", text }),
        });
      }
    });
  }
}
