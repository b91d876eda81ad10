import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Slack's Web API and file host. It records every call (method, arguments,
 * auth header) and serves files only to requests carrying the bot token.
 */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  auth: string | undefined;
  at: number;
}

export interface SlackMessage {
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
  history: Map<string, { user: string; ts: string; files?: unknown[] }[]>;
  /** Thread messages by the thread's root ts, root first, as conversations.replies returns them. */
  replies: Map<string, SlackMessage[]>;
  users: Map<string, { is_admin?: boolean }>;
  close(): Promise<void>;
  called(method: string): ApiCall[];
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

export async function startSlackStandIn(token: string): Promise<StandIn> {
  const calls: ApiCall[] = [];
  const uploads: { id: string; bytes: Buffer }[] = [];
  const fileHits: { path: string; auth: string | undefined }[] = [];
  const files = new Map<string, Buffer>();
  const history = new Map<string, { user: string; ts: string; files?: unknown[] }[]>();
  const users = new Map<string, { is_admin?: boolean }>();
  const replies = new Map<string, SlackMessage[]>();
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
      if (auth !== `Bearer ${token}`) {
        res.statusCode = 403;
        return res.end("forbidden");
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
    if (!path.startsWith("/api/")) {
      res.statusCode = 404;
      return res.end();
    }
    const method = path.slice("/api/".length);
    const args = parseArgs(req, raw);
    calls.push({ method, args, auth, at: Date.now() });
    if (auth !== `Bearer ${token}`) return json({ ok: false, error: "invalid_auth" });
    switch (method) {
      case "auth.test":
        return json({
          ok: true,
          user_id: "UBOT",
          bot_id: "BBOT",
          team_id: "T1",
          user: "llava-bot",
          team: "Test",
        });
      case "chat.postMessage":
        return json({
          ok: true,
          channel: args.channel,
          ts: `${tsCounter++}.000100`,
          message: { text: args.text },
        });
      case "chat.update":
        return json({ ok: true, channel: args.channel, ts: args.ts });
      case "chat.postEphemeral":
        return json({ ok: true, message_ts: `${tsCounter++}.000200` });
      case "reactions.add":
        return json({ ok: true });
      case "conversations.history":
        return json({ ok: true, messages: history.get(String(args.channel)) ?? [] });
      case "conversations.replies": {
        const thread = replies.get(String(args.ts));
        if (!thread) return json({ ok: false, error: "thread_not_found" });
        return json({ ok: true, messages: thread.slice(0, Number(args.limit ?? 1000)), has_more: false });
      }
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
    users,
    called: (m) => calls.filter((c) => c.method === m),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
