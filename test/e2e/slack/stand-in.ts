import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Fault, faultRules } from "../../helpers/faults.js";
import {
  defaultSlackLimits,
  SIGN_IN_PAGE,
  type SlackLimits,
  type SlackRefusal,
  slackRefuser,
} from "./stand-in-limits.js";
import { createViews, type OpenedView } from "./stand-in-views.js";

/**
 * A local stand-in for Slack's Web API and file host. It records every call (method, arguments,
 * auth header) and serves files only to requests carrying the bot token; anyone else gets the
 * HTML sign-in page with status 200, as Slack's file host does. It refuses what Slack refuses
 * (see stand-in-limits.ts) and records what it refused.
 */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  auth: string | undefined;
  at: number;
  /** The error the stand-in refused the call with (msg_too_long, ratelimited…), if it did. */
  refused?: string;
}

interface SlackMessage {
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  files?: unknown[];
}

export interface StandIn {
  url: string;
  apiUrl: string;
  calls: ApiCall[];
  uploads: { id: string; bytes: Buffer }[];
  fileHits: { path: string; auth: string | undefined }[];
  files: Map<string, Buffer>;
  history: Map<string, HistoryMessage[]>;
  /** Every message the bot posted, as it reads now (chat.update applied), by ts. */
  posted: Map<string, SlackMessage & { channel: string; blocks?: unknown[] }>;
  /** Thread messages by the thread's root ts, root first, as conversations.replies returns them. */
  replies: Map<string, SlackMessage[]>;
  /** What users.info says of each user: an admin, and the zone their profile has (`tz`). */
  users: Map<string, { is_admin?: boolean; tz?: string }>;
  /** Modals opened with views.open, in order. */
  views: OpenedView[];
  /** Reactions the bot has on each message now, by `channel:ts` (reactions.add and .remove applied). */
  reactions: Map<string, Set<string>>;
  /** Who auth.test says the bot is: its user name may be anything the workspace chose. */
  identity: { user: string };
  /** Mutable: a test may tighten a rate, or take the bot out of a channel. */
  limits: SlackLimits;
  /** Calls refused, with the error Slack would give. */
  refused: (ApiCall & { error: string })[];
  /** What was posted to slash commands' response_url. */
  responses: { path: string; body: Record<string, unknown> }[];
  /**
   * Refuses the next `times` Web API calls matching `when`: by default with HTTP 500, which the
   * WebClient retries by itself (10 times over about 30 minutes); `{ status: 200, error:
   * "internal_error" }` is Slack's own "try again later", which it does not retry.
   */
  refuse(
    when: (c: ApiCall) => boolean,
    times?: number,
    answer?: Partial<SlackRefusal>,
  ): Fault<ApiCall, SlackRefusal>;
  close(): Promise<void>;
  called(method: string): ApiCall[];
}

/** What files.info says a served file is, from its first bytes. */
function imageType(bytes: Buffer): { mime: string; ext: string } {
  if (bytes.subarray(0, 4).toString("hex") === "89504e47") return { mime: "image/png", ext: "png" };
  if (bytes.subarray(0, 2).toString("hex") === "ffd8") return { mime: "image/jpeg", ext: "jpg" };
  if (bytes.subarray(4, 12).toString() === "ftypheic") return { mime: "image/heic", ext: "heic" };
  return { mime: "application/octet-stream", ext: "bin" };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(raw.toString() || "{}") as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw.toString())) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** A channel message as conversations.history lists it (the bot's carry bot_id). */
interface HistoryMessage {
  user: string;
  ts: string;
  text?: string;
  bot_id?: string;
  thread_ts?: string;
  files?: unknown[];
}

/**
 * conversations.history as Slack answers it: newest first, only messages between `oldest` and
 * `latest` (both exclusive unless `inclusive`), at most `limit` (default 100) of them. Tests set
 * the channel's messages in any order.
 */
function historyPage<M extends { ts: string }>(messages: readonly M[], args: Record<string, unknown>): M[] {
  const inclusive = args.inclusive === true || args.inclusive === "true";
  const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(args.latest);
  const oldest = args.oldest === undefined ? 0 : Number(args.oldest);
  const within = (ts: number) => (inclusive ? ts <= latest && ts >= oldest : ts < latest && ts > oldest);
  return messages
    .filter((m) => within(Number(m.ts)))
    .sort((a, b) => Number(b.ts) - Number(a.ts))
    .slice(0, Number(args.limit ?? 100));
}

export async function startSlackStandIn(token: string, options: Partial<SlackLimits> = {}): Promise<StandIn> {
  const limits = defaultSlackLimits(options);
  const refuse = slackRefuser(limits);
  const refused: (ApiCall & { error: string })[] = [];
  const faults = faultRules<ApiCall, SlackRefusal>();
  const responses: { path: string; body: Record<string, unknown> }[] = [];
  const calls: ApiCall[] = [];
  const uploads: { id: string; bytes: Buffer }[] = [];
  const fileHits: { path: string; auth: string | undefined }[] = [];
  const files = new Map<string, Buffer>();
  const history = new Map<string, HistoryMessage[]>();
  const users: StandIn["users"] = new Map();
  const views = createViews();
  const reactions = new Map<string, Set<string>>();
  const identity = { user: "llava-bot" };
  const replies = new Map<string, SlackMessage[]>();
  const posted: StandIn["posted"] = new Map();
  let tsCounter = 1_700_000_000;
  let url = "";

  const server: Server = createServer(async (req, res) => {
    const raw = await body(req);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const auth = req.headers.authorization;
    const json = (data: unknown) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(data));
    };
    if (path.startsWith("/files/")) {
      fileHits.push({ path, auth });
      if (auth !== `Bearer ${token}` || !limits.filesReadable) {
        res.setHeader("content-type", "text/html; charset=utf-8");
        return res.end(SIGN_IN_PAGE);
      }
      const bytes = files.get(path.slice("/files/".length));
      if (!bytes) {
        res.statusCode = 404;
        return res.end();
      }
      res.setHeader("content-type", "application/octet-stream");
      return res.end(bytes);
    }
    if (path.startsWith("/upload/")) {
      uploads.push({ id: path.slice("/upload/".length), bytes: raw });
      return res.end("OK");
    }
    if (path.startsWith("/respond")) {
      responses.push({ path, body: parseArgs(req, raw) });
      return json({ ok: true });
    }
    if (!path.startsWith("/api/")) {
      res.statusCode = 404;
      return res.end();
    }
    const method = path.slice("/api/".length);
    const args = parseArgs(req, raw);
    const call: ApiCall = { method, args, auth, at: Date.now() };
    calls.push(call);
    if (auth !== `Bearer ${token}`) return json({ ok: false, error: "invalid_auth" });
    const no = faults.take(call)?.answer ?? refuse(method, args, "T1");
    if (no) {
      call.refused = no.error;
      refused.push({ ...call, error: no.error });
      res.statusCode = no.status;
      for (const [k, v] of Object.entries(no.headers ?? {})) res.setHeader(k, v);
      const { status: _s, headers: _h, ...said } = no;
      return json({ ok: false, ...said });
    }
    switch (method) {
      case "auth.test":
        return json({
          ok: true,
          user_id: "UBOT",
          bot_id: "BBOT",
          team_id: "T1",
          user: identity.user,
          team: "Test",
        });
      case "chat.postMessage": {
        const ts = `${tsCounter++}.000100`;
        posted.set(ts, {
          ts,
          channel: String(args.channel),
          text: String(args.text ?? ""),
          bot_id: "BBOT",
          ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        });
        return json({ ok: true, channel: args.channel, ts, message: { text: args.text } });
      }
      case "chat.update": {
        const m = posted.get(String(args.ts));
        if (!m) return json({ ok: false, error: "message_not_found" });
        m.text = String(args.text ?? "");
        if (Array.isArray(args.blocks)) m.blocks = args.blocks;
        return json({ ok: true, channel: args.channel, ts: args.ts });
      }
      case "chat.delete":
        posted.delete(String(args.ts));
        return json({ ok: true, channel: args.channel, ts: args.ts });
      case "chat.postEphemeral":
        return json({ ok: true, message_ts: `${tsCounter++}.000200` });
      case "reactions.add": {
        // As Slack answers: one reaction of a name per member and message.
        const key = `${args.channel}:${args.timestamp}`;
        const on = reactions.get(key) ?? new Set<string>();
        if (on.has(String(args.name))) return json({ ok: false, error: "already_reacted" });
        reactions.set(key, on.add(String(args.name)));
        return json({ ok: true });
      }
      case "reactions.remove": {
        const on = reactions.get(`${args.channel}:${args.timestamp}`);
        if (!on?.delete(String(args.name))) return json({ ok: false, error: "no_reaction" });
        return json({ ok: true });
      }
      case "conversations.history":
        return json({ ok: true, messages: historyPage(history.get(String(args.channel)) ?? [], args) });
      case "conversations.replies": {
        const thread = replies.get(String(args.ts));
        if (!thread) return json({ ok: false, error: "thread_not_found" });
        return json({ ok: true, messages: thread.slice(0, Number(args.limit ?? 1000)), has_more: false });
      }
      case "files.info": {
        // Slack Connect shares come as stubs; files.info describes the file (here: any the test served).
        const id = String(args.file);
        const bytes = files.get(id);
        if (!bytes) return json({ ok: false, error: "file_not_found" });
        const type = imageType(bytes);
        return json({
          ok: true,
          file: {
            id,
            name: `${id}.${type.ext}`,
            mimetype: type.mime,
            filetype: type.ext,
            size: bytes.length,
            url_private: `${url}/files/${id}`,
            url_private_download: `${url}/files/${id}`,
          },
        });
      }
      case "views.open":
        return json(views.open(args));
      case "users.info":
        return json({ ok: true, user: { id: args.user, ...(users.get(String(args.user)) ?? {}) } });
      case "files.getUploadURLExternal": {
        const id = `F${tsCounter++}`;
        return json({ ok: true, upload_url: `${url}/upload/${id}`, file_id: id });
      }
      case "files.completeUploadExternal":
        return json({
          ok: true,
          files: (args.files as { id: string }[]).map((f) => ({ id: f.id, name: "x" })),
        });
      default:
        return json({ ok: true });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    uploads,
    fileHits,
    files,
    history,
    replies,
    posted,
    users,
    views: views.opened,
    reactions,
    identity,
    limits,
    refused,
    responses,
    called: (m) => calls.filter((c) => c.method === m),
    refuse: (when, times = 1, answer = {}) =>
      faults.add(when, times, { status: 500, error: "internal_error", ...answer }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
