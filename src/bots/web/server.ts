import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyReply } from "fastify";
import sharp from "sharp";
import type { Config } from "../../config/schema.js";
import type { BlobRef } from "../../core/jobs.js";
import { CodedError, ErrorCode, isCodedError, newErrorId, userMessage } from "../../errors.js";
import { loadImage } from "../../images/load.js";
import { sniff } from "../../images/sniff.js";
import { logger } from "../../log.js";
import { BLOB_KEY } from "../../queue/blobs.js";
import type { ChatTurns } from "../../queue/chat-turns.js";
import type { Producer } from "../../queue/producer.js";
import { conversationImages, leftOutNote } from "../chain.js";
import { parseMessage } from "../commands.js";
import type { PostClicks } from "../post-clicks.js";
import type { WebAdapter } from "./adapter.js";
import { installGuards, type Passwords } from "./guard.js";
import { registerPostActions } from "./post-actions.js";
import { registerScheduled, WEB_SCOPE_ID } from "./scheduled.js";
import type { WebSessions } from "./sessions.js";

const PUBLIC = new URL("./public/", import.meta.url);
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/post-card.js": { file: "post-card.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/post-card.css": { file: "post-card.css", type: "text/css; charset=utf-8" },
  "/scheduled.js": { file: "scheduled.js", type: "text/javascript; charset=utf-8" },
  "/scheduled.css": { file: "scheduled.css", type: "text/css; charset=utf-8" },
};

/** The edge of a week view's thumbnail, in pixels (twice what it shows, for dense screens). */
const THUMB_EDGE = 128;

export interface WebServerOptions extends Passwords {
  config: Config;
  producer: Producer;
  adapter: WebAdapter;
  sessions: WebSessions;
  host: string;
  port: number;
  /**
   * Stops a request for the session that asks (out of the queue, or its generation aborted);
   * the sentence saying why not when that session may not.
   */
  stop?: (requestId: string, session: string) => Promise<string | undefined>;
  /** Records who asked, in Redis, before the request is queued (Stop reads it there). */
  opened?: (requestId: string, session: string) => Promise<void>;
  /** The sessions' conversations: a follow-up sends the earlier turns with their images. */
  turns?: ChatTurns;
  /** A post's buttons (refine, approve); without it the page shows none. */
  clicks?: PostClicks;
}

/** Earlier turns a playground request carries at most (the job contract allows 20). */
const HISTORY_TURNS = 12;

function fail(reply: FastifyReply, err: unknown) {
  const errorId = newErrorId();
  if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "web request failed");
  const status =
    isCodedError(err) && err.userFacing
      ? err.code === ErrorCode.RateLimited || err.code === ErrorCode.TooManyInFlight
        ? 429
        : 400
      : 500;
  return reply
    .code(status)
    .send({ error: userMessage(err, errorId), code: isCodedError(err) ? err.code : "internal" });
}

/** The playground: one page, an upload endpoint that submits to the queue, live events, and blob images. */
export async function startWebServer(o: WebServerOptions) {
  const { config, producer, adapter } = o;
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  await app.register(multipart, {
    limits: {
      fileSize: config.limits.maxImageBytes,
      files: config.limits.maxImagesPerRequest,
      fields: 5,
      fieldSize: 8000,
    },
  });
  const files = Object.fromEntries(
    Object.entries(STATIC).map(([route, s]) => [route, readFileSync(new URL(s.file, PUBLIC))]),
  );

  const guards = installGuards(app, {
    config,
    sessions: o.sessions,
    password: o.password,
    approverPassword: o.approverPassword,
  });

  for (const [route, s] of Object.entries(STATIC)) {
    app.get(route, async (_req, reply) =>
      reply.type(s.type).header("cache-control", "no-cache").send(files[route]),
    );
  }

  app.post<{ Params: { id: string } }>("/api/requests/:id/stop", async (req, reply) => {
    // Only the session that asked may stop a request.
    const session = guards.session(req);
    try {
      const refused = await o.stop?.(req.params.id, session);
      if (refused) return reply.code(403).send({ error: refused });
      return { ok: true };
    } catch (err) {
      return fail(reply, err);
    }
  });

  if (o.clicks) {
    registerPostActions(app, { config, clicks: o.clicks, adapter, guards });
    registerScheduled(app, { clicks: o.clicks, guards, sessions: o.sessions });
  }

  /** The session's earlier turns, each with those of its images still in the blob store. */
  async function earlierTurns(session: string) {
    const turns = (await o.turns?.list(session)) ?? [];
    const kept = await Promise.all(
      turns.slice(-HISTORY_TURNS).map(async (t) => ({
        role: t.role,
        content: t.content.slice(0, 4000),
        files: (
          await Promise.all(
            t.images.map((i) =>
              producer.blobs.get(i.key).then(
                () => i,
                () => undefined,
              ),
            ),
          )
        ).filter((i): i is BlobRef => i !== undefined),
      })),
    );
    return kept.filter((t) => t.content || t.files.length);
  }

  // A new conversation: the page forgets its turns and photos, and so does the server.
  app.post("/api/conversation/reset", async (req) => {
    await o.turns?.clear(guards.session(req));
    return { ok: true };
  });

  app.post("/api/requests", async (req, reply) => {
    try {
      const session = guards.session(req);
      let message = "";
      const images: BlobRef[] = [];
      let extra = 0;
      for await (const part of req.parts()) {
        if (part.type === "field") {
          if (part.fieldname === "message") message = String(part.value ?? "");
          continue;
        }
        const bytes = await part.toBuffer(); // throws when the stream passes limits.fileSize
        // Past what a request takes: the first ones are used and the answer says how many were not.
        if (images.length >= config.limits.maxImagesPerRequest) {
          extra++;
          continue;
        }
        const img = await loadImage(bytes, {
          maxBytes: config.limits.maxImageBytes,
          maxPixels: config.limits.maxImagePixels,
          maxEdge: 4096,
        });
        images.push(
          await producer.blobs.put(img.bytes, {
            mime: img.mime,
            width: img.width,
            height: img.height,
            name: part.filename.slice(0, 200),
          }),
        );
      }
      await o.sessions.own(
        session,
        images.map((i) => i.key),
      );
      const parsed = parseMessage(message);
      const earlier = await earlierTurns(session);
      const max = config.limits.maxImagesPerRequest;
      const picked = conversationImages(earlier, images, max);
      if (picked.files.length === 0 && parsed.command !== "generate")
        throw new CodedError(
          ErrorCode.NoImage,
          "Add a photo first (drop it on the page or pick one), then send your message.",
        );
      const note = leftOutNote({ ...picked, ownLeftOut: extra }, max);
      const requestId = `web:${randomUUID()}`;
      await o.opened?.(requestId, session);
      const result = await producer.submit({
        requestId,
        platform: "web",
        priority: "interactive",
        command: parsed.command,
        args: parsed.args,
        text: parsed.text,
        images: picked.files,
        history: picked.history,
        user: { id: session },
        scope: { id: WEB_SCOPE_ID, channelId: session },
        reply: { session, ...(note ? { note } : {}) },
        createdAt: Date.now(),
      });
      await o.turns?.add(session, { role: "user", content: message, images });
      adapter.track(requestId, session);
      adapter.emit(session, { type: "queued", requestId, position: result.position });
      return { requestId, position: result.position, command: parsed.command };
    } catch (err) {
      const tooBig = (err as { code?: string })?.code === "FST_REQ_FILE_TOO_LARGE";
      const mb = Math.round(config.limits.maxImageBytes / 1048576);
      return fail(
        reply,
        tooBig
          ? new CodedError(ErrorCode.ImageTooLarge, `That image is larger than the ${mb} MB limit.`)
          : err,
      );
    }
  });

  // Open event streams never finish by themselves, so closing the server ends them: each gets a
  // closing event (the page stops reconnecting and says so), or the server would wait on them forever.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of streams) end();
  });

  app.get("/api/events", (req, reply) => {
    const session = guards.session(req);
    // The stream is the cookie's session; naming any other is refused, not quietly swapped.
    const named = (req.query as Record<string, string>).session;
    if (named !== undefined && named !== session)
      return reply.code(403).send({ error: "That is not your session." });
    reply.hijack();
    const res = reply.raw;
    const cookie = reply.getHeader("set-cookie"); // a hijacked reply sends only what is written here
    res.writeHead(200, {
      ...(cookie ? { "set-cookie": String(cookie) } : {}),
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders(); // the stream is open now, not at its first event
    const send = (e: unknown) => res.write(`data: ${JSON.stringify(e)}\n\n`);
    for (const e of adapter.history(session)) send(e);
    const off = adapter.subscribe(session, send);
    // An open tab is a session in use: the ping renews it like a request would.
    const ping = setInterval(() => {
      res.write(": ping\n\n");
      void o.sessions.touch(session).catch(() => undefined);
    }, 15_000);
    const end = () => res.end(`data: ${JSON.stringify({ type: "closing" })}\n\n`);
    streams.add(end);
    req.raw.on("close", () => {
      clearInterval(ping);
      off();
      streams.delete(end);
    });
  });

  app.get("/blobs/:key", async (req, reply) => {
    const key = (req.params as { key: string }).key;
    // Only the images of the session's own uploads and answers; any other key is as if unknown.
    if (!BLOB_KEY.test(key) || !(await o.sessions.owns(guards.session(req), key)))
      return reply.code(404).send();
    try {
      const bytes = await producer.blobs.get(key);
      // The week view's thumbnails: small, so a week of posts does not load full photos.
      if ((req.query as Record<string, string>).size === "thumb")
        return reply
          .type("image/webp")
          .header("cache-control", "private, max-age=3600")
          .send(await sharp(bytes).resize(THUMB_EDGE, THUMB_EDGE, { fit: "cover" }).webp().toBuffer());
      const format = sniff(bytes); // blobs are validated images; the magic bytes say which
      return reply
        .type(`image/${format === "jpeg" ? "jpeg" : format}`)
        .header("cache-control", "private, max-age=3600")
        .send(bytes);
    } catch (err) {
      return fail(reply, err);
    }
  });

  await app.listen({ host: o.host, port: o.port });
  const { port } = app.server.address() as AddressInfo;
  const shownHost = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;
  return { url: `http://${shownHost}:${port}`, close: () => app.close() };
}
