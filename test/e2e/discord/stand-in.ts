import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { faultRules } from "../../helpers/faults.js";
import { EVERYONE_PERMISSIONS, gatewayUser, startGateway } from "./stand-in-gateway.js";
import {
  alreadyAcknowledged,
  channelPermissions,
  contentTooLong,
  type DiscordLimits,
  defaultLimits,
  missingPermissions,
  PERMISSION,
  type Refusal,
  rateLimiter,
  tooLarge,
  unknownInteraction,
  unknownReference,
  unknownWebhook,
} from "./stand-in-limits.js";
import { callbackRefusal } from "./stand-in-modals.js";
import { type Recorded, recordRequest } from "./stand-in-record.js";

/**
 * A local Discord stand-in: REST under /api/v10, a gateway WebSocket for one or several clients
 * (stand-in-gateway.ts), interaction callbacks and webhooks, message creation with file
 * uploads, and a CDN. Every REST request is recorded with its parsed body, files and the status
 * it got. It refuses what Discord refuses (see stand-in-limits.ts): late or repeated interaction
 * callbacks, webhooks of unacknowledged interactions, content over 2,000 characters, uploads over
 * 10 MiB, and requests past a route's bucket, with X-RateLimit-* headers on every answer.
 */
export const BOT_ID = "100000000000000001";
export const APP_ID = "100000000000000002";
export const GUILD_ID = "200000000000000001";
/** A role of the guild besides @everyone, for tests of role allowlists. */
export const MEMBER_ROLE_ID = "200000000000000002";

export type { Recorded } from "./stand-in-record.js";

const user = gatewayUser;
/** GatewayIntentBits.MessageContent, a privileged intent. */
const MESSAGE_CONTENT = 1 << 15;

export async function startDiscordStandIn(channels: string[], options: Partial<DiscordLimits> = {}) {
  /** Mutable, so one test can tighten a limit for its own requests. */
  const limits = defaultLimits(options);
  const buckets = rateLimiter(() => limits);
  /** Interactions dispatched through the gateway, by id: when, and whether acknowledged. */
  const interactions = new Map<
    string,
    {
      at: number;
      token: string;
      channel: string;
      type: number;
      fromMessage: boolean;
      acked?: boolean;
      expired?: boolean;
    }
  >();
  /** Threads by id, each started from the message with the same id in `parent_id`. */
  const threads = new Map<string, Record<string, unknown>>();
  /** Members' messages as the gateway delivered them, by id: GET …/messages/:id finds them too. */
  const received = new Map<string, Record<string, unknown>>();
  /** Ids of messages deleted (members' or the bot's): a reply to one is refused as on Discord. */
  const deleted = new Set<string>();
  /** Direct-message channels the bot opened, by the other user's id. */
  const dms = new Map<string, string>();
  const requests: Recorded[] = [];
  /** Every request in arrival order, CDN downloads included: "GET /cdn/…", "POST /channels/…". */
  const arrivals: string[] = [];
  const cdn = new Map<string, Buffer>();
  const messages = new Map<string, Record<string, unknown>>();
  const originals = new Map<string, string>(); // interaction token → its reply's message id
  const byToken = new Map<string, string[]>(); // interaction token → its reply and follow-ups
  const faults = faultRules<Recorded>();
  let idCounter = 300_000_000_000_000_000n;
  const nextId = () => String(idCounter++);
  let base = "";

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let record: Recorded | undefined;
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      if (record) record.status = status;
      res.statusCode = status;
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (body === undefined) return res.end();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/cdn/")) {
      arrivals.push(`${req.method} ${url.pathname}`);
      const bytes = cdn.get(url.pathname.slice(5));
      if (!bytes) return reply(404);
      res.setHeader("content-type", "application/octet-stream");
      return res.end(bytes);
    }
    if (!url.pathname.startsWith("/api/v10/")) return reply(404);
    // discord.js writes @original as %40original in some routes; Discord reads both.
    const path = decodeURIComponent(url.pathname.slice("/api/v10".length));
    arrivals.push(`${req.method} ${path}`);
    record = await recordRequest(req, path, url.search);
    requests.push(record);
    if (faults.take(record)) return reply(500, { message: "500: Internal Server Error", code: 0 });
    const refused = refusal(record);
    if (refused) return reply(refused.status, refused.body, refused.headers);
    let limitHeaders: Record<string, string> = {};
    if (/^\/(channels|webhooks)\//.test(path)) {
      const taken = buckets.take(record.method, path);
      if (taken.refusal) return reply(taken.refusal.status, taken.refusal.body, taken.refusal.headers);
      limitHeaders = taken.headers;
    }
    for (const [k, v] of Object.entries(limitHeaders)) res.setHeader(k, v);
    const { files, json } = record;

    const message = (channelId: string) => {
      const id = nextId();
      const m = {
        id,
        channel_id: channelId,
        guild_id: GUILD_ID,
        author: user(BOT_ID, "llava-bot", true),
        content: json?.content ?? "",
        timestamp: new Date().toISOString(),
        edited_timestamp: null as string | null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: files.map((f, n) => ({
          id: String(n),
          filename: f.name,
          size: f.bytes.length,
          url: `${base}/cdn/out/${f.name}`,
          proxy_url: `${base}/cdn/out/${f.name}`,
        })),
        embeds: [],
        pinned: false,
        type: 0,
        flags: 0,
        components: (json?.components ?? []) as unknown[],
        // Discord fills in where the referenced message is; discord.js needs it to fetch the reference.
        ...(json?.message_reference
          ? {
              message_reference: {
                channel_id: channelId,
                guild_id: GUILD_ID,
                ...(json.message_reference as Record<string, unknown>),
              },
            }
          : {}),
      };
      messages.set(id, m);
      return m;
    };
    /** An edit as Discord applies it: the fields sent replace the message's. */
    const edit = (found: Record<string, unknown>) => {
      if (typeof json?.content === "string") found.content = json.content;
      if (Array.isArray(json?.components)) found.components = json.components;
      found.edited_timestamp = new Date().toISOString();
      return found;
    };

    let m: RegExpExecArray | null;
    if (path === "/gateway/bot")
      return reply(200, {
        url: gateway.url(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    m = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(path);
    if (m) {
      const known = interactions.get(m[1] ?? "");
      if (known) known.acked = true;
      return reply(204);
    }
    // An interaction's reply is one message: created by the first edit of @original, then edited.
    m = /^\/webhooks\/\d+\/([^/]+)\/messages\/(@original|\d+)$/.exec(path);
    if (m) {
      const key = m[2] === "@original" ? originals.get(m[1] ?? "") : m[2];
      const found = key ? messages.get(key) : undefined;
      if (req.method === "DELETE") return reply(found && messages.delete(key ?? "") ? 204 : 404);
      if (found) return reply(200, edit(found));
      if (m[2] !== "@original") return reply(404, { message: "Unknown Message", code: 10008 });
      const created = message(channels[0] ?? "0");
      originals.set(m[1] ?? "", created.id);
      byToken.set(m[1] ?? "", [created.id, ...(byToken.get(m[1] ?? "") ?? [])]);
      return reply(200, created);
    }
    m = /^\/webhooks\/\d+\/([^/]+)$/.exec(path);
    if (m) {
      const created = message(channels[0] ?? "0");
      byToken.set(m[1] ?? "", [...(byToken.get(m[1] ?? "") ?? []), created.id]);
      return reply(200, created);
    }
    if (path === "/users/@me/channels" && req.method === "POST") {
      const recipient = String(json?.recipient_id ?? "");
      const id = dms.get(recipient) ?? nextId();
      dms.set(recipient, id);
      return reply(200, { id, type: 1, last_message_id: null, recipients: [user(recipient, "someone")] });
    }
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (m && req.method === "POST") {
      const created = thread(m[2] ?? "", m[1] ?? "", String(json?.name ?? "thread"), BOT_ID);
      return reply(201, created);
    }
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && req.method === "POST") return reply(200, message(m[1] ?? ""));
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (m && req.method === "GET") {
      const found = messages.get(m[2] ?? "") ?? received.get(m[2] ?? "");
      return found ? reply(200, found) : reply(404, { message: "Unknown Message", code: 10008 });
    }
    if (m && req.method === "PATCH") {
      const found = messages.get(m[2] ?? "");
      return found ? reply(200, edit(found)) : reply(404, { message: "Unknown Message", code: 10008 });
    }
    if (m && req.method === "DELETE") {
      const gone = messages.delete(m[2] ?? "");
      if (gone) deleted.add(m[2] ?? "");
      return reply(gone ? 204 : 404);
    }
    // The typing indicator: shown for about 10 s, or until the bot posts in the channel.
    m = /^\/channels\/(\d+)\/typing$/.exec(path);
    if (m && req.method === "POST") return reply(204);
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\//.exec(path);
    if (m) return reply(204);
    m = /^\/channels\/(\d+)$/.exec(path);
    if (m)
      return reply(
        200,
        threads.get(m[1] ?? "") ?? {
          id: m[1],
          type: 0,
          guild_id: GUILD_ID,
          name: `chan-${m[1]}`,
          position: 0,
          permission_overwrites: limits.overwrites[m[1] ?? ""] ?? [],
        },
      );
    if (/^\/applications\/\d+\/(guilds\/\d+\/)?commands$/.test(path))
      return reply(200, (json as unknown as unknown[]) ?? []);
    return reply(404, { message: "Unknown route", code: 0 });
  });

  /** Discord's refusals that depend on the request itself, before any rate limit is counted. */
  function refusal(r: Recorded): Refusal | undefined {
    const callback = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(r.path);
    const known = callback ? interactions.get(callback[1] ?? "") : undefined;
    if (known?.acked) return alreadyAcknowledged();
    if (known && Date.now() - known.at > limits.interactionWindowMs) {
      known.expired = true;
      return unknownInteraction();
    }
    const wrongCallback = known ? callbackRefusal(r.json, known) : undefined;
    if (wrongCallback) return wrongCallback;
    // An interaction's token only becomes a webhook once the interaction was acknowledged.
    const hook = /^\/webhooks\/\d+\/([^/]+)/.exec(r.path);
    const owner = hook ? [...interactions.values()].find((i) => i.token === hook[1]) : undefined;
    if (owner && !owner.acked) return unknownWebhook();
    const uploaded = r.files.reduce((n, f) => n + f.bytes.length, 0);
    if (uploaded > limits.maxUploadBytes) return tooLarge();
    if (forbidden(r, owner?.channel)) return missingPermissions();
    const reference = r.json?.message_reference as
      | { message_id?: string; fail_if_not_exists?: boolean }
      | undefined;
    if (reference?.message_id && deleted.has(reference.message_id) && reference.fail_if_not_exists !== false)
      return unknownReference();
    return contentTooLong(r.json, limits.maxContent);
  }

  /**
   * Whether the channel's overwrites keep the bot from this request: a new message needs Send
   * Messages (in a thread: Send Messages in Threads), files need Attach Files, also through an
   * interaction's webhook, which needs no Send Messages.
   */
  function forbidden(r: Recorded, hookChannel: string | undefined): boolean {
    const created = /^\/channels\/(\d+)\/messages$/.exec(r.path);
    const edited = /^\/channels\/(\d+)\/messages\/\d+$/.exec(r.path);
    const channel = hookChannel ?? created?.[1] ?? edited?.[1];
    if (!channel || r.method === "GET" || r.method === "DELETE") return false;
    const inThread = threads.get(channel);
    const where = inThread ? String(inThread.parent_id) : channel;
    const p = channelPermissions(BigInt(EVERYONE_PERMISSIONS), limits.overwrites[where] ?? [], {
      guildId: GUILD_ID,
      memberId: BOT_ID,
      roles: [],
    });
    const send = inThread ? PERMISSION.SendMessagesInThreads : PERMISSION.SendMessages;
    if (created && !hookChannel && r.method === "POST" && !(p & send)) return true;
    return r.files.length > 0 && !(p & PERMISSION.AttachFiles);
  }

  /** A thread started from message `id` in `parent`: the thread's id is the message's. */
  function thread(id: string, parent: string, name: string, owner: string) {
    const t = {
      id,
      type: 11,
      guild_id: GUILD_ID,
      parent_id: parent,
      name,
      owner_id: owner,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
    };
    threads.set(id, t);
    return t;
  }

  const gateway = startGateway(server, {
    channels,
    guildId: GUILD_ID,
    memberRoleId: MEMBER_ROLE_ID,
    appId: APP_ID,
    me: user(BOT_ID, "llava-bot", true),
    allowed: (intents) => limits.messageContentIntent || (intents & MESSAGE_CONTENT) === 0,
    overwrites: () => limits.overwrites,
  });
  /**
   * Sends a gateway event, to every connected client or only to session `to` (the n-th client to
   * identify, from 0: one adapter replica of several). An interaction's 3 s starts now, or
   * `lateByMs` earlier (a slow gateway or a busy bot): the callback is then already late.
   */
  function dispatch(t: string, d: unknown, o: { lateByMs?: number; to?: number } = {}) {
    if (t === "MESSAGE_CREATE") {
      const m = d as Record<string, unknown>;
      received.set(String(m.id), m);
    }
    if (t === "INTERACTION_CREATE") {
      const i = d as { id: string; token: string; channel_id: string; type: number; message?: unknown };
      // A replayed event keeps the first one's clock and acknowledgement.
      if (!interactions.has(i.id))
        interactions.set(i.id, {
          at: Date.now() - (o.lateByMs ?? 0),
          token: i.token,
          channel: i.channel_id,
          type: i.type,
          fromMessage: Boolean(i.message),
        });
    }
    return gateway.dispatch(t, d, o.to);
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    api: `${base}/api`,
    limits,
    requests,
    arrivals,
    cdn,
    identified: gateway.identified,
    /** Resolves once `count` clients (adapter replicas) have identified. */
    identifiedBy: gateway.identifiedBy,
    /** Clients identified so far (closed ones included): the next one's `to` is this number. */
    sessions: gateway.sessionCount,
    dispatch,
    /**
     * Answers the next `times` REST requests matching `when` with a 500, as Discord does in an
     * outage, before anything else looks at them (the request is recorded with status 500).
     * discord.js retries a 5xx itself (3 times by default), so 4 refusals reach the caller.
     */
    refuse: (when: (r: Recorded) => boolean, times = 1) => faults.add(when, times, undefined),
    user,
    nextId,
    /**
     * A thread a member started from message `id` of `parent`, as THREAD_CREATE carries it (the
     * bot's own, for auto-captions, come from POST …/messages/:id/threads).
     */
    startThread: (id: string, parent: string, name = "thread") =>
      thread(id, parent, name, "500000000000000001"),
    /**
     * A member deletes one of their messages: Discord forgets it (fetching it is 10008, a reply
     * to it 50035 unless fail_if_not_exists is false) and tells every client with MESSAGE_DELETE.
     */
    deleteMessage(channel: string, id: string) {
      received.delete(id);
      deleted.add(id);
      return gateway.dispatch("MESSAGE_DELETE", { id, channel_id: channel, guild_id: GUILD_ID });
    },
    /** The modal an interaction was answered with (callback type 9) and Discord accepted, if any. */
    modalFor(interactionId: string): Record<string, unknown> | undefined {
      const shown = requests.find(
        (r) => r.path.startsWith(`/interactions/${interactionId}/`) && r.json?.type === 9 && r.status === 204,
      );
      return shown?.json?.data as Record<string, unknown> | undefined;
    },
    /** The bot's direct-message channel with a user, once it opened one. */
    dmWith: (userId: string) => dms.get(userId),
    /** An interaction's reply and follow-ups as they read now, in order. */
    interactionMessages(token: string) {
      return (byToken.get(token) ?? []).flatMap((id) => {
        const found = messages.get(id);
        return found ? [found] : [];
      });
    },
    /** The bot's messages in a channel as they read now (edits applied), oldest first. */
    messagesIn(channel: string) {
      return [...messages.values()].filter((m) => m.channel_id === channel);
    },
    /** The id of a message the bot created in a channel with this content. */
    messageIdFor(channel: string, content: string): string | undefined {
      for (const [id, m] of messages) if (m.channel_id === channel && m.content === content) return id;
      return undefined;
    },
    attachment(
      id: string,
      filename: string,
      bytes: Buffer,
      contentType = "image/png",
      declaredSize = bytes.length,
    ) {
      cdn.set(`attachments/${id}/${filename}`, bytes);
      return {
        id,
        filename,
        size: declaredSize,
        url: `${base}/cdn/attachments/${id}/${filename}`,
        proxy_url: `${base}/cdn/attachments/${id}/${filename}`,
        content_type: contentType,
      };
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
