import { Client, Events, GatewayIntentBits, type Interaction, Partials, REST, Routes } from "discord.js";
import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { logger } from "../../log.js";
import { workerConnection } from "../../queue/connection.js";
import { createConversations } from "../../queue/conversations.js";
import { startDeliveryWorker } from "../../queue/delivery-worker.js";
import { createProducer } from "../../queue/producer.js";
import { subscribeProgress } from "../../queue/progress.js";
import { ackFirst } from "../ack-first.js";
import { createFlow } from "../flow.js";
import { createInFlight, DRAIN_MS } from "../in-flight.js";
import { POST_COMPONENT_PREFIX } from "../post-clicks.js";
import { createClickHandlers } from "./clicks.js";
import { slashCommands } from "./commands.js";
import { discordContext } from "./context.js";
import { createMessageHandler } from "./messages.js";
import { STOP_PREFIX } from "./render.js";
import { NO_MENTIONS } from "./shared.js";
import { createSlashHandler } from "./slash.js";
import { discordSurface, partialBackoff } from "./surface.js";

export interface DiscordOptions {
  config: Config;
  secrets: Secrets;
  redisUrl: string;
}

/**
 * The Discord adapter on discord.js v14: its events (messages, slash commands, clicks) go into the
 * one conversation flow (../flow.ts) through a Discord surface; answers come back from
 * deliveries:discord, whichever replica received the event.
 */
export async function startDiscord(o: DiscordOptions) {
  const { config, secrets } = o;
  if (!secrets.discordToken)
    throw new CodedError(ErrorCode.ConfigInvalid, "The Discord adapter needs DISCORD_TOKEN.");
  const prefix = config.redis.prefix;
  const producer = createProducer({ redisUrl: o.redisUrl, prefix, config });
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      ...(config.discord.messageContent ? [GatewayIntentBits.MessageContent] : []),
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    // A reply to a message deleted meanwhile goes out as a plain message, not Discord's 50035.
    failIfNotExists: false,
    ...(config.discord.apiBase ? { rest: { api: config.discord.apiBase } } : {}),
  });
  // Partial edits go through their own REST queue that refuses rather than waits on a rate limit:
  // a dropped partial costs nothing, one held behind a 429 would only delay the final answer.
  const partialRest = new REST({
    version: "10",
    rejectOnRateLimit: () => true,
    retries: 0,
    ...(config.discord.apiBase ? { api: config.discord.apiBase } : {}),
  }).setToken(secrets.discordToken);
  const redis = workerConnection(o.redisUrl);
  const conversations = createConversations(redis, prefix, "discord");
  const flow = createFlow({
    platform: "discord",
    surface: discordSurface({ client, partial: partialRest, conversations }),
    conversations,
    config,
    producer,
    redis,
    redisUrl: o.redisUrl,
    approvers: {
      configured: config.discord.approverRoles.length > 0,
      // Role mentions show the role's name; NO_MENTIONS keeps them from pinging anyone.
      who: `a member with the role ${config.discord.approverRoles.map((r) => `<@&${r}>`).join(" or ")}`,
      setting: "discord.approverRoles",
    },
    // At most one edit a second per message; a 429 on a partial holds the next for its retry-after.
    pacing: () => ({ onError: partialBackoff }),
  });
  const x = discordContext({ client, config, producer, flow });
  const onMessage = createMessageHandler(x);
  const onSlash = createSlashHandler(x);
  const clicks = createClickHandlers(x);

  const failed = (what: string) => (err: unknown) => logger().error({ err }, `${what} failed`);
  const inFlight = createInFlight();
  client.on(Events.InteractionCreate, (i) => {
    const work = ackFirst.during(() => route(i));
    if (work) inFlight.track(work);
  });
  function route(i: Interaction): Promise<void> | undefined {
    if (i.isChatInputCommand()) return onSlash(i).catch(failed("interaction"));
    if ((i.isButton() || i.isStringSelectMenu()) && i.customId.startsWith(POST_COMPONENT_PREFIX))
      return clicks.onPostClick(i).catch(failed("post click"));
    if (i.isButton() && i.customId.startsWith(STOP_PREFIX))
      return clicks.onStop(i, i.customId.slice(STOP_PREFIX.length)).catch(failed("stop"));
    if (i.isModalSubmit()) return clicks.onTimeTyped(i).catch(failed("typed time"));
    return undefined;
  }
  client.on(Events.MessageCreate, (m) => void inFlight.track(onMessage(m).catch(failed("message handling"))));

  const delivery = startDeliveryWorker({
    redisUrl: o.redisUrl,
    prefix,
    platform: "discord",
    adapter: { post: (d) => flow.deliver(d) },
  });
  const progress = subscribeProgress({ redisUrl: o.redisUrl, prefix }, (id, p) => flow.progress(id, p));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  let closing: Promise<void> | undefined;
  /**
   * Stops taking events, lets those already taken finish (for up to `workMs`), then closes; once. The
   * gateway goes first: the REST client, which their answers need, goes with `client.destroy()`.
   */
  const close = (workMs = DRAIN_MS) => {
    closing ??= stop(workMs);
    return closing;
  };
  async function stop(workMs: number) {
    // discord.js keeps closing the gateway alone private; client.destroy() would also take the
    // REST token the handlers still need. The e2e stop test notices should this ever change.
    await (client.ws as unknown as { destroy?: () => Promise<void> }).destroy?.();
    const left = await inFlight.drain(workMs);
    if (left) logger().warn({ left }, "discord: stopped with events still being handled");
    partialRest.clearHashSweeper();
    partialRest.clearHandlerSweeper();
    flow.close();
    await progress.close();
    await delivery.close();
    redis.disconnect();
    await client.destroy();
    await producer.close();
  }
  try {
    await client.login(secrets.discordToken);
    await ready;
  } catch (err) {
    await close().catch(() => undefined);
    throw loginFailure(err);
  }
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
    close,
  };
}

/**
 * Why the gateway would not have the bot, in one line: the one everyone meets is the Message
 * Content switch left off in the portal (close code 4014).
 */
function loginFailure(err: unknown): unknown {
  const message = (err as Error)?.message ?? "";
  if (/disallowed intents/i.test(message))
    return new CodedError(
      ErrorCode.ConfigInvalid,
      "Discord refused the Message Content intent (close code 4014): turn on Bot → Privileged Gateway Intents → Message Content in the developer portal, or set discord.messageContent: false.",
      { cause: err },
    );
  return err;
}
