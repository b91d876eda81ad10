import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import { logger } from "../../log.js";
import { cancelRequest } from "../../queue/cancel.js";
import { createChatTurns } from "../../queue/chat-turns.js";
import { workerConnection } from "../../queue/connection.js";
import { createConversations } from "../../queue/conversations.js";
import { startDeliveryWorker } from "../../queue/delivery-worker.js";
import { createProducer } from "../../queue/producer.js";
import { subscribeProgress } from "../../queue/progress.js";
import { jobRetention } from "../../queue/retention.js";
import { postCardFor } from "../post-card.js";
import { createPostClicks } from "../post-clicks.js";
import { createPostRedraw } from "../post-standing.js";
import { stopRefusal } from "../stop.js";
import { createWebAdapter } from "./adapter.js";
import { assertExposure, exposure } from "./guard.js";
import { startWebServer } from "./server.js";
import { createWebSessions } from "./sessions.js";

export interface WebOptions {
  config: Config;
  secrets: Secrets;
  redisUrl: string;
}

/**
 * The web playground as a third adapter: it submits to the same requests queue as Discord and
 * Slack and gets its answers from deliveries:web, like them; it never calls the engine directly.
 */
export async function startWeb(o: WebOptions): Promise<{ url: string; close(): Promise<void> }> {
  const passwords = { password: o.secrets.webPassword, approverPassword: o.secrets.webApproverPassword };
  assertExposure(o.config, passwords);
  const { warning } = exposure(o.config, passwords);
  if (warning) logger().warn(warning);
  const prefix = o.config.redis.prefix;
  const producer = createProducer({ redisUrl: o.redisUrl, prefix, config: o.config });
  const adapter = createWebAdapter({
    cardFor: (d) =>
      d.status === "ok" && d.post
        ? postCardFor(d.command === "refine" ? (d.reply.post ?? d.requestId) : d.requestId, d.post, o.config)
        : undefined,
  });
  const redis = workerConnection(o.redisUrl);
  // Who asked is kept in Redis, as on every platform: a tab's Stop is judged alike by any replica.
  const conversations = createConversations(redis, prefix, "web");
  const turns = createChatTurns(redis, prefix, o.config.limits.blobTtlS);
  const sessions = createWebSessions(redis, {
    prefix,
    idleS: o.config.web.sessionIdleS,
    blobTtlS: o.config.limits.blobTtlS,
  });
  // Sessions end in Redis by their TTL; the adapter's catch-up history goes with them.
  const prune = setInterval(() => adapter.prune(o.config.web.sessionIdleS * 1000), 60_000);
  prune.unref();
  // A scheduled post's card, redrawn in the tab of the session that made it; the page writes the
  // instant (ISO in the line, and `at`) in the browser's locale and zone.
  const redraw = createPostRedraw({
    redis,
    config: o.config,
    writer: { time: (at) => new Date(at).toISOString(), format: (text) => text },
    async draw(stored, out) {
      const session = stored.location.session ?? stored.record.requester.id;
      if (!out.card) return "none";
      adapter.emit(session, { type: "card", postId: stored.record.postId, card: out.card });
      return "drawn";
    },
  });
  const delivery = startDeliveryWorker({
    redisUrl: o.redisUrl,
    prefix,
    platform: "web",
    adapter: {
      async post(d) {
        // The session may fetch its answer's images, and no other session may.
        if (d.reply.session)
          await sessions.own(
            d.reply.session,
            d.images.map((i) => i.key),
          );
        // A scheduled post's outcome is drawn on its card first; the message below says it too.
        if (d.command === "approve" && d.reply.post) await redraw(d.reply.post, true);
        const posted = await adapter.post(d);
        // The answer is the next turn of the session's conversation (a post's clicks are not).
        const session = d.reply.session;
        if (session && d.status === "ok" && !d.post && !d.requestId.startsWith("web:post:"))
          await turns.add(session, { role: "assistant", content: d.text, images: [] });
        await conversations.finish(d.requestId);
        return posted;
      },
    },
  });
  const progress = subscribeProgress({ redisUrl: o.redisUrl, prefix }, (requestId, p) =>
    adapter.progress(requestId, p),
  );
  const server = await startWebServer({
    config: o.config,
    producer,
    adapter,
    sessions,
    turns,
    async stop(requestId, session) {
      const refused = stopRefusal(await conversations.get(requestId), session, false);
      if (!refused)
        await cancelRequest({ redisUrl: o.redisUrl, prefix, redis, keep: jobRetention(o.config) }, requestId);
      return refused;
    },
    opened: (requestId, session) =>
      conversations.open({ requestId, asker: session, place: { channel: session }, messages: [] }),
    clicks: createPostClicks({
      platform: "web",
      producer,
      config: o.config,
      redis,
      // The page puts the instant in the browser's locale and zone.
      time: (at) => new Date(at).toISOString(),
      redraw,
      approvers: {
        configured: Boolean(passwords.approverPassword),
        who: "someone signed in with the approver password (WEB_APPROVER_PASSWORD)",
        setting: "WEB_APPROVER_PASSWORD",
      },
    }),
    host: o.config.web.host,
    port: o.config.web.port,
    ...passwords,
  });
  return {
    url: server.url,
    async close() {
      clearInterval(prune);
      await server.close();
      await progress.close();
      await delivery.close();
      await producer.close();
      await adapter.stop();
      redis.disconnect();
    },
  };
}
