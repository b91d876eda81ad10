import type { App } from "@slack/bolt";
import { logger } from "../../log.js";
import { conversationImages, leftOutNote, recentPhotoNote } from "../chain.js";
import { parseMessage } from "../commands.js";
import { unusedNote } from "../text-files.js";
import type { SlackContext } from "./context.js";
import { fileDetails, imageFiles, type SlackFile, sortSlackFiles } from "./files.js";
import { latestImage } from "./recent.js";
import { type BotIdentity, dmContext, threadContext } from "./thread.js";

interface Asked {
  requestId: string;
  text: string;
  user: string;
  channel: string;
  ts: string;
  threadTs?: string;
  /** A direct message: answered in the conversation itself, not in a thread on the message. */
  dm?: boolean;
  files?: SlackFile[];
  team?: string;
  me: BotIdentity;
}

/**
 * Mentions and DMs (images from the message, or from the thread it continues; the words as a
 * command or a free-form question), answered in the thread with Stop; and images posted where
 * auto-captions are on, captioned in their thread in the background.
 */
export function registerMessages(app: App, x: SlackContext) {
  const { client, config, flow, producer } = x;
  const autocaption = producer.setting("slack:autocaption");

  /**
   * What the model sees besides the words: the thread's turns with its newest image, or, for a
   * mention outside a thread without an image, the member's upload just before; `note` says
   * which photo, or how many were left out.
   */
  async function conversation(m: Asked, own: SlackFile[]) {
    const max = config.limits.maxImagesPerRequest;
    const minutes = config.conversation.recentImageMinutes;
    const depth = config.slack.historyDepth;
    const turns = m.threadTs
      ? await threadContext(client, {
          channel: m.channel,
          threadTs: m.threadTs,
          beforeTs: m.ts,
          depth,
          me: m.me,
        })
      : m.dm
        ? await dmContext(client, {
            channel: m.channel,
            beforeTs: m.ts,
            withinS: minutes * 60,
            depth,
            me: m.me,
          })
        : [];
    const recent =
      own.length || m.threadTs || turns.length || !minutes
        ? undefined
        : await latestImage(client, {
            channel: m.channel,
            user: m.user,
            beforeTs: m.ts,
            withinS: minutes * 60,
          }).catch(
            () => undefined, // a help, never a reason to refuse the question
          );
    const picked = conversationImages(turns, recent ? [recent.file] : own, max);
    const note = recent
      ? recentPhotoNote((Number(m.ts) - Number(recent.ts)) * 1000, recent.file.name)
      : leftOutNote(picked, max);
    return { history: picked.history, images: await x.store(picked.files), note };
  }

  async function ask(m: Asked) {
    const thread = m.threadTs ?? (m.dm ? undefined : m.ts);
    const team = m.team ?? "slack";
    // An edited message's mention comes again as a new event: the message has its answer.
    if (!(await flow.conversations.claimMessage(`${m.channel}:${m.ts}`, m.requestId))) return;
    try {
      // The reply first: reading the thread, downloading and decoding take a while. A newer
      // message in a thread whose answer is still being written takes that reply over.
      const place = { channel: m.channel, ...(thread ? { thread } : {}) };
      const taken = m.threadTs ? await flow.takeOver(m.channel, m.threadTs, m.requestId) : undefined;
      const opened = await flow.open({
        requestId: m.requestId,
        place,
        asker: m.user,
        scope: team,
        text: "Working on it…",
        origin: m.ts,
        ...(taken?.[0] ? { first: taken[0] } : {}),
      });
      if (!opened) return; // a repeat of an event still being handled
      const sorted = sortSlackFiles(await fileDetails(client, m.files));
      const said = await x.readTexts(m.text.replace(/<@[A-Z0-9]+>/g, "").trim(), sorted.texts);
      const unused = unusedNote([...sorted.unused, ...said.unused]);
      const { history, images, note } = await conversation(m, sorted.images);
      const parsed = parseMessage(said.text);
      const result = await x.submit({
        requestId: m.requestId,
        priority: "interactive",
        command: parsed.command,
        args: parsed.args,
        text: parsed.text,
        images,
        history,
        user: { id: m.user },
        scope: { id: team, channelId: m.channel, ...(thread ? { threadId: thread } : {}), messageId: m.ts },
        reply: { ...place, ...(note ? { note } : {}), ...(unused ? { unused } : {}) },
      });
      if (result.duplicate) return void (await flow.drop(m.requestId));
      await client.reactions
        .add({ channel: m.channel, timestamp: m.ts, name: "eyes" })
        .catch(() => undefined);
      // The reply says where the request stands; it becomes the answer.
      if (result.position > 1) flow.show(m.requestId, `You're #${result.position} in line…`);
    } catch (err) {
      await flow.drop(m.requestId, { failed: true }).catch(() => undefined);
      await x.fail(m.requestId, err, { channel: m.channel, ...(thread ? { thread } : {}), user: m.user });
    }
  }

  async function caption(
    m: { user: string; channel: string; ts: string; thread_ts?: string; files?: SlackFile[] },
    team?: string,
  ) {
    if (!m.files?.length) return;
    if (!(config.slack.autocaptionChannels.includes(m.channel) || (await autocaption.has(m.channel)))) return;
    const images = imageFiles(await fileDetails(client, m.files));
    for (const file of images) {
      try {
        const [ref] = await x.store([file], { background: true });
        if (!ref) continue;
        await x.submit({
          requestId: `slack:file:${file.id}`, // once per file, however often Slack retries the event
          priority: "background",
          command: "caption",
          images: [ref],
          user: { id: m.user },
          scope: { id: team ?? "slack", channelId: m.channel, messageId: m.ts },
          reply: { channel: m.channel, thread: m.thread_ts ?? m.ts },
        });
      } catch (err) {
        // The uploader hears why their photo got no caption, in its thread, once per file.
        await x
          .fail(`file:${file.id}`, err, { channel: m.channel, thread: m.thread_ts ?? m.ts, user: m.user })
          .catch((told) => logger().warn({ err: told, file: file.id }, "auto-caption failure not told"));
      }
    }
  }

  const teamOf = (body: unknown) => (body as { team_id?: string }).team_id;
  const eventId = (body: unknown) => (body as { event_id?: string }).event_id;

  app.event("app_mention", async ({ event, body, context }) => {
    const e = event as typeof event & { files?: SlackFile[]; thread_ts?: string; bot_id?: string };
    // Other bots and workflows that mention us get no answer, as with messages.
    if (e.bot_id || !e.user || !x.served(e.channel)) return;
    const team = teamOf(body);
    await ask({
      requestId: `slack:${eventId(body) ?? e.ts}`,
      text: e.text ?? "",
      user: e.user,
      channel: e.channel,
      ts: e.ts,
      ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
      ...(e.files ? { files: e.files } : {}),
      ...(team ? { team } : {}),
      me: { botUserId: context.botUserId, botId: context.botId },
    });
  });

  app.message(async ({ message, body, context }) => {
    const m = message as {
      subtype?: string;
      bot_id?: string;
      user?: string;
      text?: string;
      channel: string;
      channel_type?: string;
      ts: string;
      thread_ts?: string;
      files?: SlackFile[];
    };
    if (m.bot_id || m.subtype === "bot_message" || !m.user) return; // never answer bots, ourselves included
    if (!x.served(m.channel)) return;
    const team = teamOf(body);
    const asked = (dm: boolean): Asked => ({
      requestId: `slack:${eventId(body) ?? m.ts}`,
      text: m.text ?? "",
      user: m.user as string,
      channel: m.channel,
      ts: m.ts,
      ...(dm ? { dm } : {}),
      ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
      ...(m.files ? { files: m.files } : {}),
      ...(team ? { team } : {}),
      me: { botUserId: context.botUserId, botId: context.botId },
    });
    if (m.channel_type === "im") return ask(asked(true));
    if (context.botUserId && m.text?.includes(`<@${context.botUserId}>`)) return; // app_mention answers it
    // A reply in a thread the bot answers in continues the conversation, no mention needed;
    // threads it never took part in are people's own.
    if (
      m.thread_ts &&
      m.thread_ts !== m.ts &&
      (await flow.conversations.threadRequest(m.channel, m.thread_ts))
    )
      return ask(asked(false));
    await caption({ ...m, user: m.user }, team);
  });
}
