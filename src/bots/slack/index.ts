import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
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
import { createEditBudget } from "./budget.js";
import { registerClicks } from "./clicks.js";
import { registerCommands } from "./commands.js";
import { slackContext } from "./context.js";
import { registerHome } from "./home.js";
import { registerMessages } from "./messages.js";
import { partialEditsClient, slackError } from "./refusals.js";
import { responseUrlPoster } from "./response-url.js";
import { slackSurface } from "./surface.js";
import { slackProfileZones } from "./zone.js";

export interface SlackOptions {
  config: Config;
  secrets: Secrets;
  redisUrl: string;
  /** HTTP port for Events API requests (0 picks a free one); ignored in Socket Mode. */
  port?: number;
}

/**
 * The Slack adapter on Bolt: its events (mentions and DMs, slash commands, shortcuts, clicks) go
 * into the one conversation flow (../flow.ts) through a Slack surface; answers come back from
 * deliveries:slack, whichever replica received the event.
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
  const budget = createEditBudget();
  const redis = workerConnection(o.redisUrl);
  const conversations = createConversations(redis, prefix, "slack");
  // Typed times are read in the Slack zone of the person a post is for.
  const profileZone = slackProfileZones(client, redis, prefix);
  const postResponse = responseUrlPoster(config.slack.apiUrl);
  const flow = createFlow({
    platform: "slack",
    surface: slackSurface({
      client,
      partial: partialEditsClient(token, clientOptions),
      conversations,
      respond: postResponse,
    }),
    conversations,
    config,
    producer,
    redis,
    redisUrl: o.redisUrl,
    approvers: {
      configured: config.slack.approvers.length > 0,
      who: config.slack.approvers.map((u) => `<@${u}>`).join(", "),
      setting: "slack.approvers",
    },
    status: (text) => `⏳ ${text}`,
    profileZone,
    // chat.update is paced per workspace: a shared budget, paused for Slack's Retry-After.
    pacing: (c) => {
      // A private answer is drawn once, when it is done: its response_url takes five messages.
      if (c.place.interaction) return { mayEdit: () => false };
      const team = c.scope ?? "slack";
      budget.live(team, true);
      return {
        mayEdit: (first) => budget.partial(team, first),
        onError: (err) => {
          const e = err as { retryAfter?: number };
          if (slackError(err) === "ratelimited" || e?.retryAfter) budget.pause(team, e.retryAfter ?? 30);
          return undefined;
        },
        final: () => budget.final(team),
        done: () => budget.live(team, false),
      };
    },
  });
  const x = slackContext({ client, config, producer, flow, token, redis, profileZone, postResponse });
  // Every request's handling is tracked, so a stop lets what was acknowledged finish. Bolt has
  // acknowledged an Events API event before any middleware runs; what the bot then does about it
  // waits for the rest of a burst to be acknowledged (commands and clicks acknowledge in their
  // own listeners, so they go straight on).
  const inFlight = createInFlight();
  app.use(({ body, next }) =>
    inFlight.track(
      (async () => {
        if ((body as { type?: string }).type === "event_callback") await ackFirst.settled();
        await next();
      })(),
    ),
  );
  registerMessages(app, x);
  registerCommands(app, x);
  registerClicks(app, x);
  registerHome(app, x);

  const delivery = startDeliveryWorker({
    redisUrl: o.redisUrl,
    prefix,
    platform: "slack",
    adapter: { post: (d) => flow.deliver(d) },
  });
  const progress = subscribeProgress({ redisUrl: o.redisUrl, prefix }, (id, p) => flow.progress(id, p));

  const port = o.port ?? config.slack.port;
  const started = (await app.start(port)) as unknown;
  // HTTP mode resolves with the node:http server; its address tells the port when 0 was asked for.
  const server = receiver ? (started as Server) : undefined;
  // Bolt answers an HTTP request when its handler acknowledges it: until then it is an event
  // waiting for its acknowledgement, and intake gives way to it.
  server?.on("request", (_req: IncomingMessage, res: ServerResponse) => res.once("close", ackFirst.begin()));
  const address = server?.address();
  let closing: Promise<void> | undefined;
  return {
    app,
    port: typeof address === "object" && address ? address.port : port,
    mode: socketMode ? "socket" : "http",
    /** Stops taking requests, lets those already taken finish (for up to `workMs`), then closes; once. */
    close(workMs = DRAIN_MS) {
      closing ??= stop(workMs);
      return closing;
    },
  };
  async function stop(workMs: number) {
    await app.stop();
    const left = await inFlight.drain(workMs);
    if (left) logger().warn({ left }, "slack: stopped with events still being handled");
    flow.close();
    await progress.close();
    redis.disconnect();
    await delivery.close();
    await producer.close();
  }
}
