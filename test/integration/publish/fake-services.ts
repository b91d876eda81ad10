import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Loopback stand-ins that speak the real routes: Mastodon's REST API (media v2, statuses with
 * Idempotency-Key) and a Bluesky PDS's XRPC methods. They keep what they were sent, can fail a
 * route on demand, and can hold a route (to crash a client between two calls).
 */

type Json = Record<string, unknown>;

interface Failure {
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
}

/** Held responses: `hold(route)` returns a promise that resolves when the route is reached, with a release. */
class Hooks {
  private fails = new Map<string, Failure[]>();
  private holds = new Map<string, { reached: (release: () => void) => void; phase: "before" | "after" }>();

  failNext(route: string, failure: Failure, times = 1): void {
    const list = this.fails.get(route) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.fails.set(route, list);
  }

  takeFailure(route: string): Failure | undefined {
    return this.fails.get(route)?.shift();
  }

  /**
   * The next request to `route` is held: `before` it does anything, or `after` it has done its
   * work but before the client hears back. Resolves with a function that lets the answer go.
   */
  hold(route: string, phase: "before" | "after"): Promise<() => void> {
    return new Promise((resolve) => this.holds.set(route, { reached: resolve, phase }));
  }

  async pause(route: string, phase: "before" | "after"): Promise<void> {
    const h = this.holds.get(route);
    if (!h || h.phase !== phase) return;
    this.holds.delete(route);
    await new Promise<void>((release) => h.reached(release));
  }
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  data: Json | string,
  headers: Record<string, string> = {},
) {
  if (res.destroyed) return;
  const text = typeof data === "string" ? data : JSON.stringify(data);
  res.writeHead(status, {
    "content-type": typeof data === "string" ? "text/html" : "application/json; charset=utf-8",
    ...headers,
  });
  res.end(text);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

// ---------------------------------------------------------------------------------------------
// Mastodon

export interface MastodonMedia {
  id: string;
  bytes: Buffer;
  mime: string;
  description: string | null;
}

export interface MastodonStatus {
  id: string;
  text: string;
  mediaIds: string[];
  visibility: string;
  language: string | null;
  idempotencyKey: string | null;
  createdAt: string;
}

export async function fakeMastodon(o: { token: string; maxBytes?: number }) {
  const media: MastodonMedia[] = [];
  const statuses: MastodonStatus[] = [];
  const byKey = new Map<string, MastodonStatus>();
  const hooks = new Hooks();
  let url = "";
  let next = 100;

  const mediaJson = (m: MastodonMedia) => ({
    id: m.id,
    type: "image",
    url: `${url}/system/media/${m.id}.jpg`,
    preview_url: `${url}/system/media/${m.id}-small.jpg`,
    remote_url: null,
    text_url: null,
    meta: {},
    description: m.description,
    blurhash: null,
  });
  const statusJson = (s: MastodonStatus) => ({
    id: s.id,
    uri: `${url}/users/team/statuses/${s.id}`,
    url: `${url}/@team/${s.id}`,
    created_at: s.createdAt,
    content: `<p>${s.text}</p>`,
    visibility: s.visibility,
    language: s.language,
    media_attachments: s.mediaIds.map((id) => mediaJson(media.find((m) => m.id === id) as MastodonMedia)),
  });

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = `${req.method} ${path.replace(/\/\d+$/, "/:id")}`;
    const raw = await body(req);
    if (req.headers.authorization !== `Bearer ${o.token}`)
      return send(res, 401, { error: "The access token is invalid" });
    const failure = hooks.takeFailure(route);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(route, "before");

    if (route === "POST /api/v2/media") {
      if (o.maxBytes && raw.length > o.maxBytes) return send(res, 413, { error: "File is too large" });
      const form = await new Response(new Uint8Array(raw), {
        headers: { "content-type": String(req.headers["content-type"]) },
      }).formData();
      const file = form.get("file");
      if (!(file instanceof Blob)) return send(res, 422, { error: "Validation failed: File can't be blank" });
      const m: MastodonMedia = {
        id: String(next++),
        bytes: Buffer.from(await file.arrayBuffer()),
        mime: file.type,
        description: (form.get("description") as string | null) ?? null,
      };
      if (m.description && m.description.length > 1500)
        return send(res, 422, { error: "Validation failed: Description is too long" });
      media.push(m);
      await hooks.pause(route, "after");
      return send(res, 200, mediaJson(m));
    }
    if (route === "GET /api/v1/media/:id") {
      const m = media.find((x) => x.id === path.split("/").pop());
      return m ? send(res, 200, mediaJson(m)) : send(res, 404, { error: "Record not found" });
    }
    if (route === "POST /api/v1/statuses") {
      const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
      const seen = key ? byKey.get(key) : undefined;
      if (seen) return send(res, 200, statusJson(seen));
      const p = JSON.parse(raw.toString("utf8")) as {
        status?: string;
        media_ids?: string[];
        visibility?: string;
        language?: string;
      };
      const text = p.status ?? "";
      if ([...new Intl.Segmenter().segment(text)].length > 500)
        return send(res, 422, { error: "Validation failed: Text character limit of 500 exceeded" });
      for (const id of p.media_ids ?? [])
        if (!media.some((m) => m.id === id)) return send(res, 422, { error: "Validation failed: media" });
      const s: MastodonStatus = {
        id: String(next++),
        text,
        mediaIds: p.media_ids ?? [],
        visibility: p.visibility ?? "public",
        language: p.language ?? null,
        idempotencyKey: key,
        createdAt: new Date().toISOString(),
      };
      statuses.push(s);
      if (key) byKey.set(key, s);
      await hooks.pause(route, "after");
      return send(res, 200, statusJson(s));
    }
    send(res, 404, { error: "Not found" });
  });
  url = await listen(server);
  return { url, media, statuses, hooks, close: () => close(server) };
}

// ---------------------------------------------------------------------------------------------
// Bluesky (a PDS)

const B32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A CIDv1 (sha2-256) in base32, as a PDS makes them: raw codec for blobs, dag-cbor for records. */
function cidFor(bytes: Buffer, codec: "raw" | "dag-cbor"): string {
  const digest = createHash("sha256").update(bytes).digest();
  const all = Buffer.concat([Buffer.from([0x01, codec === "raw" ? 0x55 : 0x71, 0x12, 0x20]), digest]);
  let bits = 0;
  let value = 0;
  let out = "b";
  for (const byte of all) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

function jwt(sub: string): string {
  const b64 = (v: Json) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "HS256", typ: "at+jwt" })}.${b64({ scope: "com.atproto.appPass", sub, iat: now, exp: now + 7200 })}.${randomBytes(16).toString("base64url")}`;
}

interface BlueskyBlob {
  cid: string;
  bytes: Buffer;
  mime: string;
}

export interface BlueskyRecord {
  uri: string;
  rkey: string;
  cid: string;
  value: Json & {
    text: string;
    facets?: { index: { byteStart: number; byteEnd: number }; features: Json[] }[];
    embed?: { $type: string; images: { image: { ref: { $link: string } }; alt: string }[] };
  };
}

export async function fakeBluesky(o: {
  handle: string;
  password: string;
  did?: string;
  /** Other accounts that mentions can resolve to. */
  handles?: Record<string, string>;
  maxBlobBytes?: number;
}) {
  const did = o.did ?? "did:plc:abcdefghijklmnopqrstuvwx";
  const sessions = new Set<string>();
  const blobs: BlueskyBlob[] = [];
  const records = new Map<string, BlueskyRecord>();
  const hooks = new Hooks();
  const calls: string[] = [];

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const nsid = u.pathname.replace(/^\/xrpc\//, "");
    const raw = await body(req);
    calls.push(nsid);
    const failure = hooks.takeFailure(nsid);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(nsid, "before");
    if (nsid === "com.atproto.server.createSession") {
      const p = JSON.parse(raw.toString("utf8")) as { identifier?: string; password?: string };
      if ((p.identifier !== o.handle && p.identifier !== did) || p.password !== o.password)
        return send(res, 401, { error: "AuthenticationRequired", message: "Invalid identifier or password" });
      const accessJwt = jwt(did);
      sessions.add(accessJwt);
      return send(res, 200, { did, handle: o.handle, accessJwt, refreshJwt: jwt(did), active: true });
    }
    if (nsid === "com.atproto.identity.resolveHandle") {
      const found = o.handles?.[u.searchParams.get("handle") ?? ""];
      return found
        ? send(res, 200, { did: found })
        : send(res, 400, { error: "HandleNotFound", message: "Unable to resolve handle" });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!sessions.has(token))
      return send(res, 401, { error: "AuthenticationRequired", message: "Authentication Required" });
    if (nsid === "com.atproto.repo.uploadBlob") {
      if (o.maxBlobBytes && raw.length > o.maxBlobBytes)
        return send(res, 413, { error: "PayloadTooLarge", message: "request entity too large" });
      const blob = { cid: cidFor(raw, "raw"), bytes: raw, mime: String(req.headers["content-type"]) };
      if (!blobs.some((b) => b.cid === blob.cid)) blobs.push(blob);
      await hooks.pause(nsid, "after");
      return send(res, 200, {
        blob: { $type: "blob", ref: { $link: blob.cid }, mimeType: blob.mime, size: raw.length },
      });
    }
    if (nsid === "com.atproto.repo.createRecord") {
      const p = JSON.parse(raw.toString("utf8")) as {
        repo: string;
        collection: string;
        rkey?: string;
        record: BlueskyRecord["value"];
      };
      if (p.repo !== did && p.repo !== o.handle)
        return send(res, 400, { error: "InvalidRequest", message: "Invalid repo" });
      const rkey = p.rkey ?? String(Date.now());
      if (!/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(rkey))
        return send(res, 400, { error: "InvalidRequest", message: "Invalid record key" });
      const uri = `at://${did}/${p.collection}/${rkey}`;
      if (records.has(uri))
        return send(res, 400, { error: "InvalidRequest", message: "Record already exists" });
      if ([...new Intl.Segmenter().segment(p.record.text)].length > 300)
        return send(res, 400, {
          error: "InvalidRequest",
          message: "Record/text must not be longer than 300 graphemes",
        });
      for (const img of p.record.embed?.images ?? [])
        if (!blobs.some((b) => b.cid === img.image.ref.$link))
          return send(res, 400, { error: "InvalidRequest", message: "Could not find blob" });
      const rec = {
        uri,
        rkey,
        cid: cidFor(Buffer.from(JSON.stringify(p.record)), "dag-cbor"),
        value: p.record,
      };
      records.set(uri, rec);
      await hooks.pause(nsid, "after");
      return send(res, 200, {
        uri,
        cid: rec.cid,
        commit: { cid: rec.cid, rev: "3kabcdefghij2" },
        validationStatus: "valid",
      });
    }
    if (nsid === "com.atproto.repo.getRecord") {
      const uri = `at://${did}/${u.searchParams.get("collection")}/${u.searchParams.get("rkey")}`;
      const rec = records.get(uri);
      return rec
        ? send(res, 200, { uri, cid: rec.cid, value: rec.value })
        : send(res, 400, { error: "RecordNotFound", message: `Could not locate record: ${uri}` });
    }
    send(res, 501, { error: "MethodNotImplemented", message: `${nsid} is not implemented here` });
  });
  const url = await listen(server);
  return {
    url,
    did,
    blobs,
    calls,
    hooks,
    records: () => [...records.values()],
    close: () => close(server),
  };
}
