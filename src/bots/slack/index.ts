import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import type { CommandName, RequestInput } from "../../core/jobs.js";
import { CodedError, ErrorCode, isCodedError, newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import { cancelRequest } from "../../queue/cancel.js";
import { workerConnection } from "../../queue/connection.js";
import { startDeliveryWorker } from "../../queue/delivery-worker.js";
import { createProducer } from "../../queue/producer.js";
import { subscribeProgress } from "../../queue/progress.js";
import { captionedByConfig, NOT_ENABLED_HERE } from "../access.js";
import { parseMessage } from "../commands.js";
import { LiveReply } from "../live-reply.js";
import { createPostClicks } from "../post-clicks.js";
import { progressText } from "../progress-text.js";
import { createEditBudget } from "./budget.js";
import { postToSlack } from "./deliver.js";
import { imageFiles, type SlackFile, storeFiles } from "./files.js";
import { toMrkdwn } from "./format.js";
import { COMMON, SLACK_CHUNK, slackSurface, stopBlocks } from "./live.js";
import { createSlackPostActions } from "./post-actions.js";
import { channelRefusal, partialEditsClient, slackError } from "./refusals.js";
import { type BotIdentity, threadContext } from "./thread.js";

export interface SlackOptions {
  config: Config;
  secrets: Secrets;
  redisUrl: string;
  /** HTTP port for Events API requests (0 picks a free one); ignored in Socket Mode. */
  port?: number;
}

const SLASH = ["describe", "ask", "ocr", "edit", "post", "generate"] as const;

function ago(ts: string): string {
  const s = Math.max(0, Math.round(Date.now() / 1000 - Number(ts)));
  return s < 90
    ? "just now"
    : s < 5400
      ? `${Math.round(s / 60)} minutes ago`
      : `${Math.round(s / 3600)} hours ago`;
}

/**
 * The Slack adapter on Bolt: mentions and DMs with images, slash commands that act on the user's
 * latest image, message shortcuts, and auto-captioned channels. Everything goes through the
 * queue; answers come back from deliveries:slack.
 */
export async function startSlack(o: SlackOptions) {
  const { config, secrets } = o;
  const token = secrets.slackBotToken;
  if (!token || (!secrets.slackSigningSecret && !secrets.slackAppToken))
    throw new CodedError(
      ErrorCode.ConfigInvalid,
      "The Slack adapter needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode).",
    );
  const prefix = config.redis.prefix;
  const producer = createProducer({ redisUrl: o.redisUrl, prefix, config });
  const autocaption = producer.setting("slack:autocaption");
  const clientOptions = config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {};
  const socketMode = Boolean(secrets.slackAppToken);
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: secrets.slackSigningSecret ?? "",
        endpoints: "/slack/events",
        logLevel: LogLevel.ERROR,
      });
  const app = new App({
    token,
    ...(receiver ? { receiver } : { socketMode: true, appToken: secrets.slackAppToken as string }),
    clientOptions,
    logLevel: LogLevel.ERROR,
    ignoreSelf: true,
  });
  const client: WebClient = app.client;
  const partialClient = partialEditsClient(token, clientOptions);
  // Answers being written, by request id: the placeholder drawn in place and who may stop it.
  const lives = new Map<string, { live: LiveReply; user: string; team: string }>();
  const budget = createEditBudget();
  const redis = workerConnection(o.redisUrl);
  // A post's buttons: refine, approve (post-actions.ts).
  const postActions = createSlackPostActions({
    client,
    config,
    blobs: producer.blobs,
    clicks: createPostClicks({ platform: "slack", producer, config, redis }),
  });
  postActions.register(app);

  /**
   * Posts the "working on it" placeholder with its Stop button and keeps it for streaming. Slack
   * may repeat an event while the first copy is still being handled: that copy owns the request
   * and a repeat gets undefined. The claim is short, so a repeat after a crash still gets through.
   */
  async function openPlaceholder(r: {
    requestId: string;
    channel: string;
    thread?: string | undefined;
    user: string;
    team: string;
    text: string;
  }): Promise<string | undefined> {
    if (!(await producer.once(`slack:ph:${r.requestId}`, 120))) return undefined;
    const res = await client.chat.postMessage({
      channel: r.channel,
      text: r.text,
      blocks: stopBlocks(r.text, r.requestId),
      ...(r.thread ? { thread_ts: r.thread } : {}),
      ...COMMON, // the answer drawn here later must not unfold previews of links the model wrote
    });
    const ts = res.ts as string;
    const surface = slackSurface(
      client,
      { channel: r.channel, requestId: r.requestId, thread: r.thread ?? ts },
      partialClient,
    );
    const live = new LiveReply(surface, ts, {
      limit: SLACK_CHUNK,
      minIntervalMs: 1000,
      mayEdit: (first) => budget.partial(r.team, first),
      onError: (err) => {
        const e = err as { retryAfter?: number };
        if (slackError(err) === "ratelimited" || e?.retryAfter) budget.pause(r.team, e.retryAfter ?? 30);
        return undefined;
      },
    });
    lives.set(r.requestId, { live, user: r.user, team: r.team });
    budget.live(r.team, true);
    return ts;
  }

  /** The answer is drawn or dropped: its workspace no longer keeps an edit back for it. */
  function forget(requestId: string) {
    const entry = lives.get(requestId);
    if (entry) budget.live(entry.team, false);
    lives.delete(requestId);
  }

  /** A placeholder whose request was refused or had been queued before goes away again. */
  async function dropPlaceholder(requestId: string, channel: string, ts: string | undefined) {
    forget(requestId);
    if (ts) await client.chat.delete({ channel, ts }).catch(() => undefined);
  }

  async function isAutocaption(channel: string): Promise<boolean> {
    return config.slack.autocaptionChannels.includes(channel) || (await autocaption.has(channel));
  }

  async function tell(channel: string, thread: string | undefined, text: string): Promise<void> {
    await client.chat.postMessage({
      channel,
      text: toMrkdwn(text),
      ...(thread ? { thread_ts: thread } : {}),
      link_names: false,
      unfurl_links: false,
    });
  }

  /** Posts for one person's eyes, in the thread when there is one. */
  async function whisper(channel: string, user: string, text: string, thread?: string): Promise<void> {
    await client.chat.postEphemeral({ channel, user, text, ...(thread ? { thread_ts: thread } : {}) });
  }

  /**
   * `slack.allowedChannels` (empty: everywhere). Outside it the bot stays quiet on mentions,
   * messages and uploads; a slash command or shortcut, which only its user sees, is told why.
   */
  const served = (channel: string) =>
    !config.slack.allowedChannels.length || config.slack.allowedChannels.includes(channel);
  async function refuseUnserved(
    channel: string,
    respond: (r: { response_type: "ephemeral"; text: string }) => Promise<unknown>,
  ) {
    if (served(channel)) return false;
    await respond({ response_type: "ephemeral", text: `⚠️ ${NOT_ENABLED_HERE}` }).catch(() => undefined);
    return true;
  }

  /**
   * A user-facing failure told once per event, even when Slack retries it. A channel Slack will
   * not let the bot use can only be answered through the command's response_url (when there is
   * one); otherwise the log says why and nothing more is tried.
   */
  async function fail(
    key: string,
    err: unknown,
    where: {
      channel: string;
      thread?: string;
      user?: string;
      ephemeral?: boolean;
      respond?: (text: string) => Promise<unknown>;
    },
  ) {
    if (!(await producer.once(`slack:fail:${key}`))) return;
    const refused = channelRefusal(err, where.channel);
    if (refused) return void (await where.respond?.(`⚠️ ${refused}`).catch(() => undefined));
    const errorId = newErrorId();
    if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "slack request failed");
    const text = `⚠️ ${userMessage(err, errorId)}`;
    try {
      if (where.ephemeral && where.user)
        await whisper(where.channel, where.user, toMrkdwn(text), where.thread);
      else await tell(where.channel, where.thread, text);
    } catch (told) {
      const instead = channelRefusal(told, where.channel);
      if (!instead) throw told;
      await where.respond?.(`⚠️ ${instead}`).catch(() => undefined);
    }
  }

  async function submit(input: Omit<RequestInput, "platform" | "createdAt">) {
    return producer.submit({ ...input, platform: "slack", createdAt: Date.now() });
  }

  /** A mention or DM: images from the message, the words as a command or a free-form question. */
  async function onMessage(m: {
    requestId: string;
    text: string;
    user: string;
    channel: string;
    ts: string;
    threadTs?: string;
    files?: SlackFile[];
    team?: string;
    me: BotIdentity;
  }) {
    const thread = m.threadTs ?? m.ts;
    let placeholder: string | undefined;
    try {
      const context = m.threadTs
        ? await threadContext(client, {
            channel: m.channel,
            threadTs: m.threadTs,
            beforeTs: m.ts,
            depth: config.slack.historyDepth,
            me: m.me,
          })
        : { history: [], files: [] };
      const own = imageFiles(m.files);
      const images = await storeFiles(own.length ? own : context.files, {
        config,
        token: token as string,
        producer,
      });
      const parsed = parseMessage(m.text.replace(/<@[A-Z0-9]+>/g, "").trim());
      placeholder = await openPlaceholder({
        requestId: m.requestId,
        channel: m.channel,
        thread,
        user: m.user,
        team: m.team ?? "slack",
        text: "⏳ Working on it…",
      });
      if (!placeholder) return; // a repeat of an event still being handled
      const result = await submit({
        requestId: m.requestId,
        priority: "interactive",
        command: parsed.command,
        args: parsed.args,
        text: parsed.text,
        images,
        history: context.history,
        user: { id: m.user },
        scope: { id: m.team ?? "slack", channelId: m.channel, threadId: thread, messageId: m.ts },
        reply: { channel: m.channel, thread_ts: thread, placeholder },
      });
      if (result.duplicate) return void (await dropPlaceholder(m.requestId, m.channel, placeholder));
      await client.reactions
        .add({ channel: m.channel, timestamp: m.ts, name: "eyes" })
        .catch(() => undefined);
      // The placeholder says where the request stands; it becomes the answer.
      if (result.position > 1)
        lives.get(m.requestId)?.live.show(`⏳ You're #${result.position} in line…`, false);
    } catch (err) {
      await dropPlaceholder(m.requestId, m.channel, placeholder);
      await fail(m.requestId, err, { channel: m.channel, thread });
    }
  }

  app.event("app_mention", async ({ event, body, context }) => {
    const e = event as typeof event & { files?: SlackFile[]; thread_ts?: string; bot_id?: string };
    // Other bots and workflows that mention us get no answer, as with messages.
    if (e.bot_id || !e.user || !served(e.channel)) return;
    await onMessage({
      requestId: `slack:${(body as { event_id?: string }).event_id ?? e.ts}`,
      text: e.text ?? "",
      user: e.user,
      channel: e.channel,
      ts: e.ts,
      ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
      ...(e.files ? { files: e.files } : {}),
      ...((body as { team_id?: string }).team_id ? { team: (body as { team_id: string }).team_id } : {}),
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
    if (!served(m.channel)) return;
    const eventId = (body as { event_id?: string }).event_id ?? m.ts;
    if (m.channel_type === "im") {
      await onMessage({
        requestId: `slack:${eventId}`,
        text: m.text ?? "",
        user: m.user,
        channel: m.channel,
        ts: m.ts,
        ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
        ...(m.files ? { files: m.files } : {}),
        ...((body as { team_id?: string }).team_id ? { team: (body as { team_id: string }).team_id } : {}),
        me: { botUserId: context.botUserId, botId: context.botId },
      });
      return;
    }
    if (context.botUserId && m.text?.includes(`<@${context.botUserId}>`)) return; // app_mention answers it
    const images = imageFiles(m.files);
    if (!images.length || !(await isAutocaption(m.channel))) return;
    for (const file of images) {
      try {
        const [ref] = await storeFiles([file], { config, token: token as string, producer });
        if (!ref) continue;
        await submit({
          requestId: `slack:file:${file.id}`, // once per file, however often Slack retries the event
          priority: "background",
          command: "caption",
          images: [ref],
          user: { id: m.user },
          scope: {
            id: (body as { team_id?: string }).team_id ?? "slack",
            channelId: m.channel,
            messageId: m.ts,
          },
          reply: { channel: m.channel, thread_ts: m.thread_ts ?? m.ts },
        });
      } catch (err) {
        logger().info({ err: (err as Error).message, file: file.id }, "auto-caption skipped a file");
      }
    }
  });

  /** The newest image the user shared in this channel (or thread), for slash commands, which carry no file. */
  async function latestImage(
    channel: string,
    user: string,
  ): Promise<{ file: SlackFile; ts: string } | undefined> {
    const history = await client.conversations.history({ channel, limit: 50 });
    for (const msg of (history.messages ?? []) as { user?: string; ts?: string; files?: SlackFile[] }[]) {
      if (msg.user !== user || !msg.ts) continue;
      const file = imageFiles(msg.files)[0];
      if (file) return { file, ts: msg.ts };
    }
    return undefined;
  }

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
  }) {
    const { source } = r;
    const images = source
      ? await storeFiles([source.file], { config, token: token as string, producer })
      : [];
    const intro = source
      ? `⏳ ${r.label} on *${toMrkdwn(source.file.name ?? "your image")}* (${ago(source.ts)})…`
      : `⏳ ${r.label}…`;
    const ts = await openPlaceholder({
      requestId: r.requestId,
      channel: r.channel,
      thread: r.threadTs,
      user: r.user,
      team: r.team ?? "slack",
      text: intro,
    });
    if (!ts) return; // Slack repeated the command; the first delivery answers it
    const result = await submit({
      requestId: r.requestId,
      priority: "interactive",
      command: r.command,
      args: r.args,
      text: r.text,
      images,
      user: { id: r.user },
      scope: { id: r.team ?? "slack", channelId: r.channel },
      reply: { channel: r.channel, placeholder: ts, ...(r.threadTs ? { thread_ts: r.threadTs } : {}) },
    }).catch(async (err: unknown) => {
      await dropPlaceholder(r.requestId, r.channel, ts);
      throw err;
    });
    if (result.duplicate) return void (await dropPlaceholder(r.requestId, r.channel, ts));
    if (result.position > 1)
      lives.get(r.requestId)?.live.show(`${intro}\nYou're #${result.position} in line.`, false);
  }

  for (const name of SLASH) {
    app.command(`/${name}`, async ({ command, ack, respond }) => {
      await ack(); // within Slack's 3 s, before any download or queueing
      if (await refuseUnserved(command.channel_id, respond)) return;
      const where = {
        channel: command.channel_id,
        user: command.user_id,
        ephemeral: true,
        respond: (text: string) => respond({ response_type: "ephemeral", text }),
      };
      try {
        if (name === "generate" && (config.imagegen.backend === "none" || !config.imagegen.url))
          throw new CodedError(ErrorCode.BackendMissing, "Image generation is not set up on this bot.");
        const parsed = parseMessage(`/${name} ${command.text ?? ""}`);
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
          source = await latestImage(command.channel_id, command.user_id);
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
        });
      } catch (err) {
        await fail(`cmd:${command.trigger_id}`, err, where);
      }
    });
  }

  app.command("/autocaption", async ({ command, ack, respond }) => {
    await ack();
    if (await refuseUnserved(command.channel_id, respond)) return;
    const channel = command.channel_id;
    const on = /^\s*on\s*$/i.test(command.text ?? "");
    const off = /^\s*off\s*$/i.test(command.text ?? "");
    // Said for the admin's eyes only. Where Slack refuses the bot the channel, the command's
    // response URL still reaches them, with why: captions need the bot to see the uploads.
    const say = (text: string) =>
      whisper(channel, command.user_id, text).catch(async (err: unknown) => {
        const refused = channelRefusal(err, channel);
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
      if (await refuseUnserved(s.channel.id, respond)) return;
      const file = imageFiles(s.message.files)[0];
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
        await fail(`sc:${s.trigger_id}`, err, {
          channel: s.channel.id,
          ...(s.message.thread_ts ? { thread: s.message.thread_ts } : {}),
          user: s.user.id,
          ephemeral: true,
          respond: (text) => respond({ response_type: "ephemeral", text }),
        });
      }
    });
  }

  // Stop: only the person who asked, or a Slack admin listed in config.
  app.action("stop", async ({ ack, body, action }) => {
    await ack();
    const requestId = (action as { value?: string }).value ?? "";
    const who = body.user.id;
    const ph = lives.get(requestId);
    const channel = (body as { channel?: { id?: string } }).channel?.id ?? "";
    // Said where the button was clicked: answers to mentions sit in threads.
    const thread = (body as { container?: { thread_ts?: string } }).container?.thread_ts;
    if (!ph || (ph.user !== who && !config.slack.admins.includes(who))) {
      const text = ph ? "Only the person who asked can stop this." : "That answer is already finished.";
      await whisper(channel, who, text, thread).catch(() => undefined);
      return;
    }
    await cancelRequest({ redisUrl: o.redisUrl, prefix, redis }, requestId);
  });

  const delivery = startDeliveryWorker({
    redisUrl: o.redisUrl,
    prefix,
    platform: "slack",
    adapter: {
      post: async (d) => {
        const entry = lives.get(d.requestId);
        const live = entry?.live;
        if (entry) budget.final(entry.team);
        try {
          const posted = postActions.owns(d)
            ? await postActions.deliver(d, live)
            : await postToSlack(client, producer.blobs, d, live);
          forget(d.requestId);
          return posted;
        } catch (err) {
          // The channel went away (or the bot was removed) while the answer was written: retrying
          // cannot help and there is nowhere to say so. channelRefusal has logged it.
          if (!channelRefusal(err, d.reply.channel ?? d.scope.channelId)) throw err;
          forget(d.requestId);
          return { postedAt: Date.now(), messageIds: [] };
        }
      },
    },
  });
  const progress = subscribeProgress({ redisUrl: o.redisUrl, prefix }, (requestId, p) => {
    const writing = p.stage === "writing" && p.text !== undefined;
    const text = writing ? toMrkdwn(p.text ?? "") : progressText(p);
    if (text) lives.get(requestId)?.live.show(writing ? text : `⏳ ${text}`, writing);
  });

  const port = o.port ?? config.slack.port;
  const started = (await app.start(port)) as unknown;
  // HTTP mode resolves with the node:http server; its address tells the port when 0 was asked for.
  const address = receiver
    ? (started as { address?: () => { port: number } | string | null }).address?.()
    : undefined;
  return {
    app,
    port: typeof address === "object" && address ? address.port : port,
    mode: socketMode ? "socket" : "http",
    async close() {
      await app.stop();
      await progress.close();
      redis.disconnect();
      await delivery.close();
      await producer.close();
    },
  };
}
