import {
  type Attachment,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  REST,
  Routes,
} from "discord.js";
import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import type { BlobRef, CommandName, DeliveryJob, RequestInput } from "../../core/jobs.js";
import { CodedError, ErrorCode, isCodedError, newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import { cancelRequest } from "../../queue/cancel.js";
import { workerConnection } from "../../queue/connection.js";
import { startDeliveryWorker } from "../../queue/delivery-worker.js";
import { createProducer } from "../../queue/producer.js";
import { subscribeProgress } from "../../queue/progress.js";
import { captionedByConfig, NOT_ENABLED_HERE } from "../access.js";
import { parseMessage } from "../commands.js";
import { intakeImages } from "../intake.js";
import { LiveReply, type LiveSurface } from "../live-reply.js";
import { createPostClicks, POST_COMPONENT_PREFIX } from "../post-clicks.js";
import { progressText } from "../progress-text.js";
import { deliveryText } from "../render.js";
import { splitMessage } from "../text.js";
import { slashCommands } from "./commands.js";
import {
  channelSurface,
  interactionSurface,
  ORIGINAL,
  partialBackoff,
  STOP_PREFIX,
  stopRow,
} from "./live.js";
import { createDiscordPostButtons } from "./post-buttons.js";
import { acknowledge, sendFittingFiles, tokenGone } from "./refusals.js";
import {
  DISCORD_LIMIT,
  type DiscordFile,
  deliveryFiles,
  memberRoles,
  NO_MENTIONS,
  NO_PINGS,
  TOKEN_LIFETIME_MS,
} from "./shared.js";

export interface DiscordOptions {
  config: Config;
  secrets: Secrets;
  redisUrl: string;
}

function isImage(a: Attachment): boolean {
  return (
    (a.contentType ?? "").startsWith("image/") || /\.(jpe?g|png|gif|webp|heic|heif|avif|tiff?)$/i.test(a.name)
  );
}

/**
 * The Discord adapter on discord.js v14: mentions with photos (and reply chains), slash commands,
 * auto-captioned channels. It acknowledges first, then downloads, validates and queues; answers
 * come back from deliveries:discord.
 */
export async function startDiscord(o: DiscordOptions) {
  const { config, secrets } = o;
  if (!secrets.discordToken)
    throw new CodedError(ErrorCode.ConfigInvalid, "The Discord adapter needs DISCORD_TOKEN.");
  const prefix = config.redis.prefix;
  const producer = createProducer({ redisUrl: o.redisUrl, prefix, config });
  const autocaption = producer.setting("discord:autocaption");
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    ...(config.discord.apiBase ? { rest: { api: config.discord.apiBase } } : {}),
  });
  // Interaction tokens stay in this process's memory: never in job data.
  const interactions = new Map<string, { token: string; appId: string; until: number }>();
  // Answers being written (slash commands and mentions), drawn in place, and who may stop them.
  const lives = new Map<string, { live: LiveReply<DiscordFile[]>; user: string }>();
  // Partial edits go through their own REST queue that refuses rather than waits on a rate limit:
  // a dropped partial costs nothing, one held behind a 429 would only delay the final answer.
  const partialRest = new REST({
    version: "10",
    rejectOnRateLimit: () => true,
    retries: 0,
    ...(config.discord.apiBase ? { api: config.discord.apiBase } : {}),
  }).setToken(secrets.discordToken);
  const redis = workerConnection(o.redisUrl);

  /** At most one edit a second per message; a 429 on a partial holds the next for its retry-after. */
  function liveReply(
    surface: LiveSurface<DiscordFile[]>,
    first: string,
    token?: { until: number },
  ): LiveReply<DiscordFile[]> {
    return new LiveReply(surface, first, {
      limit: DISCORD_LIMIT,
      minIntervalMs: 1000,
      ...(token ? { mayEdit: () => token.until > Date.now() } : {}),
      onError: (err) => {
        if (token && tokenGone(err)) token.until = 0; // the answer goes to the channel instead
        return partialBackoff(err);
      },
    });
  }
  const cdn = config.discord.cdnOrigins.map((u) => new URL(u).origin);
  // A post's buttons: refine, approve (post-buttons.ts).
  const postButtons = createDiscordPostButtons({
    client,
    config,
    blobs: producer.blobs,
    clicks: createPostClicks({ platform: "discord", producer, config, redis }),
  });

  /**
   * The channel a message or command belongs to for the allowlists: a thread counts as its parent
   * channel (the bot's own caption threads included). Auto-captions stay with the channel itself.
   */
  function homeChannel(
    channel: { isThread(): boolean; parentId?: string | null } | null | undefined,
    channelId: string,
  ): string {
    return channel?.isThread() ? (channel.parentId ?? channelId) : channelId;
  }

  /** Which allowlist keeps this member out here, and why in words for them; undefined when they may ask. */
  function refusal(
    guildId: string | null,
    channelId: string,
    roles: string[],
  ): { by: "server" | "channel" | "role"; message: string } | undefined {
    const d = config.discord;
    if (d.allowedGuilds.length && !(guildId && d.allowedGuilds.includes(guildId)))
      return { by: "server", message: "I'm not enabled on this server." };
    if (d.allowedChannels.length && !d.allowedChannels.includes(channelId))
      return { by: "channel", message: NOT_ENABLED_HERE };
    if (d.allowedRoles.length && !roles.some((r) => d.allowedRoles.includes(r)))
      return { by: "role", message: "Only members with one of the roles allowed to use me can ask me here." };
    return undefined;
  }

  /** The declared attachment size is only a hint; the download enforces the cap while streaming. */
  function store(attachments: Attachment[]): Promise<BlobRef[]> {
    return intakeImages(
      attachments.map((a) => ({ url: a.url, name: a.name })),
      { config, producer, allowedOrigins: cdn },
    );
  }

  function submit(input: Omit<RequestInput, "platform" | "createdAt">) {
    return producer.submit({ ...input, platform: "discord", createdAt: Date.now() });
  }

  /** A channel the bot can send to. */
  async function textChannel(channelId: string) {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased() || !("send" in channel))
      throw new Error(`cannot post to channel ${channelId}`);
    return channel;
  }

  /** A plain channel message: where answers go when an interaction token cannot be used. */
  async function sendToChannel(channelId: string, content: string) {
    return (await textChannel(channelId)).send({ content, allowedMentions: NO_MENTIONS });
  }

  function failure(err: unknown): string {
    const errorId = newErrorId();
    if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "discord request failed");
    return `⚠️ ${userMessage(err, errorId)}`;
  }

  async function onInteraction(i: ChatInputCommandInteraction) {
    // The token's 15 minutes run from now, not from when the attachment has been downloaded.
    const received = Date.now();
    // A refusal is for the asker's eyes only, and needs no deferral: it is known at once.
    const refused =
      refusal(i.guildId, homeChannel(i.channel, i.channelId), memberRoles(i.member))?.message ??
      (i.commandName === "autocaption" && !i.memberPermissions?.has(PermissionFlagsBits.ManageChannels)
        ? "You need the Manage Channels permission to switch auto-captions."
        : undefined);
    if (refused) {
      await acknowledge(() =>
        i.reply({
          content: `⚠️ ${refused}`,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        }),
      );
      return;
    }
    // Acknowledge within Discord's 3 s before anything slow. Too late, the token is dead and the
    // answer goes to the channel; acknowledged elsewhere, that process answers it.
    const ack = await acknowledge(() => i.deferReply());
    if (ack === "taken") return;
    const say = (content: string) =>
      ack === "ok"
        ? i.editReply({ content, allowedMentions: NO_MENTIONS })
        : sendToChannel(i.channelId, content);
    try {
      if (i.commandName === "autocaption") {
        const on = i.options.getString("mode", true) === "on";
        if (!on && config.discord.autocaptionChannels.includes(i.channelId))
          return void (await say(captionedByConfig("discord.autocaptionChannels")));
        if (on) await autocaption.add(i.channelId);
        else await autocaption.remove(i.channelId);
        await say(
          on
            ? "Auto-captions are on: every image posted here gets a caption and alt-text suggestion."
            : "Auto-captions are off for this channel.",
        );
        return;
      }
      const attachment = i.options.getAttachment("image");
      const images = attachment ? await store([attachment]) : [];
      const args: Record<string, string | number> = {};
      for (const name of ["platform", "tone", "look", "aspect", "edits"] as const) {
        const v = i.options.getString(name);
        if (v) args[name] = v;
      }
      const variants = i.options.getInteger("variants");
      if (variants) args.variants = variants;
      const text = i.options.getString("question") ?? i.options.getString("prompt") ?? "";
      const requestId = `discord:${i.id}`;
      if (ack === "ok") {
        const token = { token: i.token, appId: i.applicationId, until: received + TOKEN_LIFETIME_MS };
        interactions.set(requestId, token);
        const surface = interactionSurface(client.rest, partialRest, { ...token, requestId });
        lives.set(requestId, { live: liveReply(surface, ORIGINAL, token), user: i.user.id });
      }
      const result = await submit({
        requestId,
        priority: "interactive",
        command: i.commandName as CommandName,
        args,
        text,
        images,
        user: { id: i.user.id, name: i.user.username.slice(0, 100) },
        scope: { id: i.guildId ?? `dm:${i.user.id}`, channelId: i.channelId },
        reply: { channel: i.channelId },
        ...(i.locale ? { locale: i.locale } : {}),
      });
      if (!result.duplicate && ack === "ok")
        lives
          .get(requestId)
          ?.live.show(result.position > 1 ? `You're #${result.position} in line…` : "Working on it…", false);
    } catch (err) {
      lives.delete(`discord:${i.id}`);
      await say(failure(err)).catch(() => undefined);
    }
  }

  /** Earlier turns of a reply chain, oldest first: the bot's answers and the user's words. */
  async function history(message: Message): Promise<{ role: "user" | "assistant"; content: string }[]> {
    const turns: { role: "user" | "assistant"; content: string }[] = [];
    let current: Message | undefined = message;
    for (let depth = 0; depth < config.discord.historyDepth && current?.reference?.messageId; depth++) {
      current = await current.fetchReference().catch(() => undefined);
      if (!current) break;
      const content = current.content
        .replace(/<@!?\d+>/g, "")
        .trim()
        .slice(0, 4000);
      if (content)
        turns.unshift({ role: current.author.id === client.user?.id ? "assistant" : "user", content });
    }
    return turns;
  }

  /**
   * A mention's answer starts as a reply saying it is being worked on, with a Stop button; the
   * answer is drawn into it. A repeated event (gateway resume) finds the claim and gets undefined;
   * the claim is short, so a repeat after a crash still gets through.
   */
  async function openPlaceholder(message: Message): Promise<string | undefined> {
    const requestId = `discord:${message.id}`;
    if (!(await producer.once(`discord:ph:${message.id}`, 120))) return undefined;
    const sent = (await client.rest.post(Routes.channelMessages(message.channelId), {
      body: {
        content: "Working on it…",
        message_reference: { message_id: message.id, fail_if_not_exists: false },
        allowed_mentions: NO_PINGS,
        components: [stopRow(requestId)],
      },
    })) as { id: string };
    const surface = channelSurface(client.rest, partialRest, { channelId: message.channelId, requestId });
    lives.set(requestId, { live: liveReply(surface, sent.id), user: message.author.id });
    return sent.id;
  }

  async function onMessage(message: Message) {
    if (message.author.bot || message.webhookId) return; // never answer bots, ourselves included
    const me = client.user?.id;
    const mentioned = Boolean(me && message.mentions.users.has(me));
    const home = homeChannel(message.channel, message.channelId);
    const refused = refusal(message.guildId, home, memberRoles(message.member));
    if (refused) {
      // Where the bot is not enabled it stays quiet; in a channel it serves, a member without an
      // allowed role who asks it by name is told why nothing happens.
      if (mentioned && refused.by === "role")
        await message
          .reply({ content: `⚠️ ${refused.message}`, allowedMentions: NO_MENTIONS })
          .catch(() => undefined);
      return;
    }
    const images = [...message.attachments.values()].filter(isImage);
    if (mentioned || !message.guildId) {
      let placeholder: string | undefined;
      try {
        const parsed = parseMessage(message.content.replace(/<@!?\d+>/g, "").trim());
        const turns = await history(message);
        const refs = await store(images);
        placeholder = await openPlaceholder(message);
        if (!placeholder) return; // a repeat of an event still being handled
        const result = await submit({
          requestId: `discord:${message.id}`,
          priority: "interactive",
          command: parsed.command,
          args: parsed.args,
          text: parsed.text,
          images: refs,
          history: turns,
          user: { id: message.author.id, name: message.author.username.slice(0, 100) },
          scope: {
            id: message.guildId ?? `dm:${message.author.id}`,
            channelId: message.channelId,
            messageId: message.id,
          },
          reply: { channel: message.channelId, message: message.id, placeholder },
        });
        if (result.duplicate) {
          lives.delete(`discord:${message.id}`);
          await client.rest
            .delete(Routes.channelMessage(message.channelId, placeholder))
            .catch(() => undefined);
        } else if (result.position > 1)
          lives.get(`discord:${message.id}`)?.live.show(`You're #${result.position} in line…`, false);
      } catch (err) {
        const live = lives.get(`discord:${message.id}`)?.live;
        lives.delete(`discord:${message.id}`);
        if (live)
          await live.finish(failure(err)); // the placeholder says what went wrong
        else if (await producer.once(`discord:fail:${message.id}`))
          await message.reply({ content: failure(err), allowedMentions: NO_MENTIONS });
      }
      return;
    }
    if (!images.length) return;
    if (
      !(
        config.discord.autocaptionChannels.includes(message.channelId) ||
        (await autocaption.has(message.channelId))
      )
    )
      return;
    try {
      // One caption per message, of its first image: the others are not fetched, so a message
      // with more images than a request may carry (or an unreadable later one) is still captioned.
      const refs = await store(images.slice(0, 1));
      await submit({
        requestId: `discord:caption:${message.id}`, // one caption per message, however often the event repeats
        priority: "background",
        command: "caption",
        images: refs,
        user: { id: message.author.id },
        scope: { id: message.guildId ?? "dm", channelId: message.channelId, messageId: message.id },
        reply: { channel: message.channelId, message: message.id, mode: config.discord.autocaptionIn },
      });
    } catch (err) {
      logger().info({ err: (err as Error).message, message: message.id }, "auto-caption skipped a message");
    }
  }

  async function post(d: DeliveryJob): Promise<{ postedAt: number; messageIds: string[] }> {
    if (postButtons.owns(d)) {
      const i = interactions.get(d.requestId);
      interactions.delete(d.requestId);
      await lives.get(d.requestId)?.live.settle(); // a status edit in flight must not land on the post
      lives.delete(d.requestId);
      return postButtons.deliver(d, i && i.until > Date.now() ? i : undefined);
    }
    const files = await deliveryFiles(producer.blobs, d);
    const interaction = interactions.get(d.requestId);
    interactions.delete(d.requestId);
    const entry = lives.get(d.requestId);
    lives.delete(d.requestId);
    // The reply drawn while the answer was written (or a mention's placeholder, when another
    // process drew it) becomes the answer, continuing in follow-ups past 2,000 characters.
    const channelId = d.reply.channel ?? d.scope.channelId;
    const live =
      entry?.live ??
      (d.reply.placeholder
        ? liveReply(
            channelSurface(client.rest, partialRest, { channelId, requestId: d.requestId }),
            d.reply.placeholder,
          )
        : undefined);
    if (live && !(interaction && interaction.until <= Date.now())) {
      try {
        const ids = await live.finish(deliveryText(d), files, interaction ? "first" : "last");
        return { postedAt: Date.now(), messageIds: ids.filter((id) => id !== ORIGINAL) };
      } catch (err) {
        // A token Discord no longer knows: the answer goes to the channel instead.
        if (!interaction || !tokenGone(err)) throw err;
        logger().warn(
          { requestId: d.requestId },
          "interaction token no longer valid; answering in the channel",
        );
      }
    }
    const ids: string[] = [];
    // A slash command's answer that could not use its interaction (late, expired) says whose it is.
    const slash = !d.reply.message && !d.reply.placeholder; // captions and mentions reply to a message
    const whose = slash ? `<@${d.user.id}>, your /${d.command}:\n` : "";
    const chunks = splitMessage(whose + deliveryText(d), DISCORD_LIMIT);
    const attachments = files.map((f) => ({ attachment: f.data, name: f.name, description: f.description }));
    const channel = await textChannel(channelId);
    let target = channel;
    if (d.reply.mode === "thread" && d.reply.message && "messages" in channel) {
      const original = await channel.messages.fetch(d.reply.message).catch(() => undefined);
      const thread = original?.hasThread
        ? original.thread
        : await original?.startThread({ name: "Caption" }).catch(() => undefined);
      if (thread) target = thread;
    }
    for (const [n, content] of chunks.entries()) {
      const reply =
        n === 0 && d.reply.message && target === channel
          ? { reply: { messageReference: d.reply.message, failIfNotExists: false } }
          : {};
      const sent = await sendFittingFiles<{ id: string }>(
        (withFiles) =>
          target.send({
            content,
            allowedMentions: NO_MENTIONS,
            ...reply,
            ...(withFiles && n === chunks.length - 1 && files.length ? { files: attachments } : {}),
          }),
        (note) => target.send({ content: note, allowedMentions: NO_MENTIONS }),
      );
      ids.push(...sent.map((m) => m.id));
    }
    return { postedAt: Date.now(), messageIds: ids };
  }

  /** Stop: only the person who asked, or a member who may manage messages. */
  async function onStop(i: ButtonInteraction, requestId: string) {
    const pending = lives.get(requestId);
    const mayManage = i.memberPermissions?.has(PermissionFlagsBits.ManageMessages) === true;
    if (!pending || (pending.user !== i.user.id && !mayManage)) {
      await acknowledge(() =>
        i.reply({
          content: pending ? "Only the person who asked can stop this." : "That answer is already finished.",
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        }),
      );
      return;
    }
    // A click acknowledged late still stops the answer; one taken by another process is its to do.
    if ((await acknowledge(() => i.deferUpdate())) === "taken") return;
    await cancelRequest({ redisUrl: o.redisUrl, prefix, redis }, requestId);
  }

  client.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand())
      void onInteraction(i).catch((err: unknown) => logger().error({ err }, "interaction failed"));
    else if ((i.isButton() || i.isStringSelectMenu()) && i.customId.startsWith(POST_COMPONENT_PREFIX))
      void postButtons.onClick(i).catch((err: unknown) => logger().error({ err }, "post click failed"));
    else if (i.isButton() && i.customId.startsWith(STOP_PREFIX))
      void onStop(i, i.customId.slice(STOP_PREFIX.length)).catch((err: unknown) =>
        logger().error({ err }, "stop failed"),
      );
  });
  client.on(
    Events.MessageCreate,
    (m) => void onMessage(m).catch((err: unknown) => logger().error({ err }, "message handling failed")),
  );

  const delivery = startDeliveryWorker({
    redisUrl: o.redisUrl,
    prefix,
    platform: "discord",
    adapter: { post },
  });
  const progress = subscribeProgress({ redisUrl: o.redisUrl, prefix }, (requestId, p) => {
    const writing = p.stage === "writing" && p.text !== undefined;
    const text = writing ? (p.text ?? "") : progressText(p);
    if (text) lives.get(requestId)?.live.show(text, writing);
  });

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(secrets.discordToken);
  await ready;
  return {
    client,
    async register(guildId?: string) {
      const appId = client.application?.id ?? secrets.discordAppId;
      if (!appId) throw new CodedError(ErrorCode.ConfigInvalid, "Set DISCORD_APP_ID to register commands.");
      const body = slashCommands({
        generate: config.imagegen.backend !== "none" && Boolean(config.imagegen.url),
      });
      await client.rest.put(
        guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId),
        { body },
      );
      return body.length;
    },
    async close() {
      partialRest.clearHashSweeper();
      partialRest.clearHandlerSweeper();
      await progress.close();
      redis.disconnect();
      await delivery.close();
      await client.destroy();
      await producer.close();
    },
  };
}
