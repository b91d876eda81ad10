import { createServer } from "node:http";
import { body, close, formOf, Hooks, type Json, listen, send } from "./fake-http.js";

export interface PixelfedMedia {
  id: string;
  bytes: Buffer;
  mime: string;
  description: string | null;
  statusId: string | null;
}

export interface PixelfedStatus {
  id: string;
  text: string;
  mediaIds: string[];
  visibility: string;
  createdAt: string;
}

/** Laravel's validation failure: 422 with the first message and every field's. */
function invalid(field: string, message: string): Json {
  return { message, errors: { [field]: [message] } };
}

/** Laravel's `max:` on a string: mb_strlen, so code points. */
const codePoints = (s: string) => [...s].length;

/**
 * Pixelfed's Mastodon-compatible API on loopback, as its Laravel controllers answer: the instance
 * documents, `POST /api/v2/media` (202, `url` null until fetched), `POST /api/v1/statuses` (no
 * media: 403; a used Idempotency-Key: 400, not the first status), the account's statuses; errors
 * as `{"message": …}`, and an API call that does not ask for JSON redirected to the login page.
 * Defaults are config/pixelfed.php's: 500 characters, alt text 1,000, photos 15,000 KB.
 */
export async function fakePixelfed(o: {
  token: string;
  maxCaption?: number;
  maxPhotoKb?: number;
  /** Bytes a request body may have before the web server refuses it (413). */
  maxBodyBytes?: number;
}) {
  const maxCaption = o.maxCaption ?? 500;
  const maxAlt = 1000;
  const maxPhotoKb = o.maxPhotoKb ?? 15_000;
  const media: PixelfedMedia[] = [];
  const statuses: PixelfedStatus[] = [];
  const usedKeys = new Set<string>();
  const hooks = new Hooks();
  const account = { id: "7", username: "team", acct: "team" };
  let url = "";
  let next = 500;

  const mediaJson = (m: PixelfedMedia, fetched: boolean) => ({
    id: m.id,
    type: "image",
    url: fetched ? `${url}/storage/m/${m.id}.jpg` : null,
    preview_url: `${url}/storage/m/${m.id}_thumb.jpg?v=1`,
    remote_url: null,
    text_url: null,
    meta: {},
    description: m.description,
    blurhash: null,
  });
  const statusJson = (s: PixelfedStatus) => ({
    id: s.id,
    uri: `${url}/p/${account.username}/${s.id}`,
    url: `${url}/p/${account.username}/${s.id}`,
    created_at: s.createdAt,
    content: `<p>${s.text}</p>`,
    visibility: s.visibility,
    account: { ...account, url: `${url}/${account.username}` },
    media_attachments: s.mediaIds.map((id) =>
      mediaJson(media.find((m) => m.id === id) as PixelfedMedia, true),
    ),
  });
  const configuration = {
    statuses: { max_characters: maxCaption, max_media_attachments: 4, characters_reserved_per_url: 23 },
    media_attachments: { image_size_limit: maxPhotoKb * 1024, image_matrix_limit: 3686400 },
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = `${req.method} ${path.replace(/\/\d+(?=\/|$)/g, "/:id")}`;
    if (o.maxBodyBytes && Number(req.headers["content-length"] ?? 0) > o.maxBodyBytes) {
      req.resume();
      return send(res, 413, { message: "The POST data is too large." });
    }
    const raw = await body(req);
    if (route === "GET /api/v2/instance" || route === "GET /api/v1/instance")
      return send(res, 200, {
        domain: "127.0.0.1",
        title: "Pixelfed",
        version: "3.5.3 (compatible; Pixelfed 0.12.4)",
        configuration,
      });
    if (!/json/.test(String(req.headers.accept ?? ""))) {
      res.writeHead(302, { location: `${url}/login` });
      return res.end();
    }
    if (req.headers.authorization !== `Bearer ${o.token}`)
      return send(res, 401, { message: "Unauthenticated." });
    const failure = hooks.takeFailure(route);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(route, "before");

    if (route === "GET /api/v1/accounts/verify_credentials") return send(res, 200, account);
    if (route === "GET /api/v1/accounts/:id/statuses") {
      const limit = Number(new URL(req.url ?? "/", "http://x").searchParams.get("limit") ?? 20);
      return send(res, 200, statuses.slice().reverse().slice(0, limit).map(statusJson));
    }
    if (route === "POST /api/v2/media") {
      const form = await formOf(req, raw);
      const file = form.get("file");
      if (!(file instanceof Blob)) return send(res, 422, invalid("file", "The file field is required."));
      if (file.size > maxPhotoKb * 1024)
        return send(res, 422, invalid("file", `The file must not be greater than ${maxPhotoKb} kilobytes.`));
      const description = (form.get("description") as string | null) ?? null;
      if (description && codePoints(description) > maxAlt)
        return send(
          res,
          422,
          invalid("description", `The description must not be greater than ${maxAlt} characters.`),
        );
      const m: PixelfedMedia = {
        id: String(next++),
        bytes: Buffer.from(await file.arrayBuffer()),
        mime: file.type,
        description,
        statusId: null,
      };
      media.push(m);
      await hooks.pause(route, "after");
      return send(res, 202, mediaJson(m, false));
    }
    if (route === "GET /api/v1/media/:id") {
      const m = media.find((x) => x.id === path.split("/").pop());
      return m
        ? send(res, 200, mediaJson(m, true))
        : send(res, 404, { message: "No query results for model [App\\Media]." });
    }
    if (route === "POST /api/v1/statuses") {
      const p = JSON.parse(raw.toString("utf8") || "{}") as {
        status?: string;
        media_ids?: string[];
        visibility?: string;
      };
      const text = p.status ?? "";
      if (codePoints(text) > maxCaption)
        return send(
          res,
          422,
          invalid("status", `The status must not be greater than ${maxCaption} characters.`),
        );
      if (p.visibility && !["private", "unlisted", "public"].includes(p.visibility))
        return send(res, 422, invalid("visibility", "The selected visibility is invalid."));
      const key = req.headers["idempotency-key"] as string | undefined;
      if (key) {
        if (usedKeys.has(key)) return send(res, 400, { message: "Duplicate idempotency key." });
        usedKeys.add(key);
      }
      if (!p.media_ids?.length) return send(res, 403, { message: "Empty statuses are not allowed" });
      const attached = p.media_ids.map((id) => media.find((m) => m.id === id && m.statusId === null));
      if (attached.some((m) => !m))
        return send(res, 422, invalid("media_ids", "The selected media ids is invalid."));
      const s: PixelfedStatus = {
        id: String(next++),
        text,
        mediaIds: p.media_ids,
        visibility: p.visibility ?? "public",
        createdAt: new Date().toISOString(),
      };
      for (const m of attached) if (m) m.statusId = s.id;
      statuses.push(s);
      await hooks.pause(route, "after");
      return send(res, 200, statusJson(s));
    }
    send(res, 404, { message: "Not Found" });
  });
  url = await listen(server);
  return { url, media, statuses, hooks, close: () => close(server) };
}
