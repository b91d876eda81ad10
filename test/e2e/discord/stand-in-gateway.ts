import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

/**
 * The Discord stand-in's gateway: HELLO, heartbeats, IDENTIFY → READY and GUILD_CREATE for that
 * connection alone, and events dispatched to every identified session or to one of them. Several
 * discord.js clients (adapter replicas) can connect; each is a session numbered in the order it
 * identified (0, 1, …), so a test can hand an event to one replica only.
 */

/** What @everyone may do in the test guild (the bot has no other role): all but Administrator. */
export const EVERYONE_PERMISSIONS = "2248473465835073";

/** The bot's own managed role in the test guild. */
export const BOT_ROLE_ID = "200000000000000009";

/** A user object as the gateway and REST show it. */
export const gatewayUser = (id: string, name: string, bot = false) => ({
  id,
  username: name,
  discriminator: "0",
  global_name: name,
  avatar: null,
  bot,
});

interface Session {
  ws: WebSocket;
  seq: number;
}

export function startGateway(
  server: Server,
  o: {
    channels: string[];
    guildId: string;
    memberRoleId: string;
    appId: string;
    me: Record<string, unknown>;
    /** Whether the intents an IDENTIFY asks for are allowed; if not it is closed with 4014. */
    allowed?: (intents: number) => boolean;
    /** Permission overwrites by channel id, read when a client identifies. */
    overwrites?: () => Record<string, unknown[]>;
  },
) {
  const wss = new WebSocketServer({ server, path: "/gateway" });
  const sockets = new Set<WebSocket>();
  const sessions: Session[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`;
  const send = (ws: WebSocket, payload: unknown) => ws.send(JSON.stringify(payload));
  const event = (s: Session, t: string, d: unknown) => {
    if (s.ws.readyState !== WebSocket.OPEN) return false;
    send(s.ws, { op: 0, t, s: ++s.seq, d });
    return true;
  };

  wss.on("connection", (ws) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    send(ws, { op: 10, d: { heartbeat_interval: 30_000 } });
    ws.on("message", (data) => {
      const p = JSON.parse(String(data)) as { op: number; d: unknown };
      if (p.op === 1) send(ws, { op: 11 });
      if (p.op !== 2) return;
      const intents = Number((p.d as { intents?: number }).intents ?? 0);
      if (o.allowed && !o.allowed(intents)) return void ws.close(4014, "Disallowed intent(s).");
      const session: Session = { ws, seq: 0 };
      sessions.push(session);
      // READY and the guild go to the client that identified, never to the others.
      event(session, "READY", {
        v: 10,
        user: o.me,
        guilds: [{ id: o.guildId, unavailable: true }],
        session_id: `session-${sessions.length}`,
        resume_gateway_url: url(),
        application: { id: o.appId, flags: 0 },
        shard: [0, 1],
      });
      event(session, "GUILD_CREATE", guild(o));
      for (const w of waiters.filter((w) => sessions.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });

  /** Resolves once `count` clients have identified (closed ones included). */
  const identifiedBy = (count: number) =>
    new Promise<void>((resolve) => {
      if (sessions.length >= count) resolve();
      else waiters.push({ count, resolve });
    });

  return {
    url,
    identified: identifiedBy(1),
    identifiedBy,
    /** Identified sessions so far, the closed ones included. */
    sessionCount: () => sessions.length,
    /**
     * Sends an event to every identified session, or only to session `to`; returns how many
     * received it (0 when that session's connection is gone).
     */
    dispatch(t: string, d: unknown, to?: number): number {
      if (to !== undefined && !sessions[to]) throw new Error(`no gateway session ${to} has identified`);
      const targets = to === undefined ? sessions : [sessions[to] as Session];
      return targets.filter((s) => event(s, t, d)).length;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

const role = (id: string, name: string, permissions: string, position: number) => ({
  id,
  name,
  permissions,
  position,
  color: 0,
  hoist: false,
  managed: false,
  mentionable: false,
  flags: 0,
});

/** GUILD_CREATE for the one test guild: @everyone, a member role, the channels and the bot. */
function guild(o: {
  channels: string[];
  guildId: string;
  memberRoleId: string;
  me: Record<string, unknown>;
  overwrites?: () => Record<string, unknown[]>;
}) {
  return {
    id: o.guildId,
    name: "Test guild",
    icon: null,
    owner_id: "1",
    afk_timeout: 300,
    roles: [
      role(o.guildId, "@everyone", EVERYONE_PERMISSIONS, 0),
      role(o.memberRoleId, "members", "1024", 1),
      // The role Discord makes for a bot when it joins: managed, tagged with the bot's id.
      {
        ...role(BOT_ROLE_ID, String(o.me.username ?? "bot"), "2048", 2),
        managed: true,
        tags: { bot_id: o.me.id },
      },
    ],
    channels: o.channels.map((id, position) => ({
      id,
      type: 0,
      name: `chan-${id}`,
      guild_id: o.guildId,
      position,
      permission_overwrites: o.overwrites?.()[id] ?? [],
    })),
    members: [
      {
        user: o.me,
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    member_count: 3,
    large: false,
    unavailable: false,
    presences: [],
    voice_states: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    joined_at: new Date().toISOString(),
    premium_tier: 0,
    system_channel_flags: 0,
    preferred_locale: "en-US",
    nsfw_level: 0,
    mfa_level: 0,
    verification_level: 0,
    explicit_content_filter: 0,
    default_message_notifications: 0,
  };
}
