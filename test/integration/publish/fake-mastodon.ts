import { createServer } from "node:http";
import { body, close, formOf, Hooks, type Json, listen, send } from "./fake-http.js";

export interface MastodonMedia {
  id: string;
  bytes: Buffer;
  mime: string;
  description: string | null;
  /** When its upload request arrived: the moment publishing began. */
  receivedAt: number;
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

/** What the stand-in says about itself: an instance document's `configuration`, per API version. */
export interface FakeInstance {
  /** `GET /api/v2/instance`'s configuration; absent: the route is missing (404), as on older servers. */
  v2?: Json;
  /** `GET /api/v1/instance`'s; absent: 404 too. */
  v1?: Json;
  /** The instance routes never answer (an overloaded server). */
  hang?: boolean;
}

/** A number under `configuration.<group>.<key>` of whichever instance document there is. */
function stated(instance: FakeInstance | undefined, group: string, key: string): number | undefined {
  const config = (instance?.v2 ?? instance?.v1) as Record<string, Record<string, unknown>> | undefined;
  const v = config?.[group]?.[key];
  return typeof v === "number" ? v : undefined;
}

/**
 * Mastodon's REST API on loopback: the instance document (public), media v2, statuses with
 * Idempotency-Key; it enforces the limits it states (500 characters and 1,500 for a description
 * unless it says otherwise), so a client that ignored them is refused as a real instance would.
 */
export async function fakeMastodon(o: { token: string; maxBytes?: number; instance?: FakeInstance }) {
  const maxChars = stated(o.instance, "statuses", "max_characters") ?? 500;
  const urlChars = stated(o.instance, "statuses", "characters_reserved_per_url") ?? 23;
  const maxDescription = stated(o.instance, "media_attachments", "description_limit") ?? 1500;
  const maxBytes = o.maxBytes ?? stated(o.instance, "media_attachments", "image_size_limit");
  const instanceReads: string[] = [];
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
    const arrived = Date.now();
    const raw = await body(req);
    const version = /^GET \/api\/(v[12])\/instance$/.exec(route)?.[1] as "v1" | "v2" | undefined;
    if (version) {
      instanceReads.push(version);
      if (o.instance?.hang) return; // never answers; the client's timeout ends it
      const configuration = o.instance?.[version];
      return configuration
        ? send(res, 200, { domain: "127.0.0.1", title: "Stand-in", version: "4.3.0", configuration })
        : send(res, 404, { error: "Not found" });
    }
    if (req.headers.authorization !== `Bearer ${o.token}`)
      return send(res, 401, { error: "The access token is invalid" });
    const failure = hooks.takeFailure(route);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(route, "before");

    if (route === "POST /api/v2/media") {
      if (maxBytes && raw.length > maxBytes) return send(res, 413, { error: "File is too large" });
      const form = await formOf(req, raw);
      const file = form.get("file");
      if (!(file instanceof Blob)) return send(res, 422, { error: "Validation failed: File can't be blank" });
      const m: MastodonMedia = {
        id: String(next++),
        bytes: Buffer.from(await file.arrayBuffer()),
        mime: file.type,
        description: (form.get("description") as string | null) ?? null,
        receivedAt: arrived,
      };
      if (m.description && [...m.description].length > maxDescription)
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
      // Roughly as Mastodon counts: each link as characters_reserved_per_url, then graphemes.
      const countable = text.replace(/https?:\/\/\S+/g, "x".repeat(urlChars));
      if ([...new Intl.Segmenter().segment(countable)].length > maxChars)
        return send(res, 422, { error: `Validation failed: Text character limit of ${maxChars} exceeded` });
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
  return { url, media, statuses, hooks, instanceReads, close: () => close(server) };
}
