import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { body, close, Hooks, type Json, listen, send } from "./fake-http.js";

interface LinkedInImage {
  urn: string;
  owner: string;
  uploadKey: string;
  bytes?: Buffer;
}

interface LinkedInPost {
  urn: string;
  author: string;
  /** As sent, in the little text format. */
  commentary: string;
  /** As members read it: escapes removed. */
  text: string;
  media?: { id: string; altText?: string };
  createdAt: number;
  headers: { version: string; protocol: string };
}

/** LinkedIn's error body. */
function error(status: number, code: string, message: string, serviceErrorCode?: number): Json {
  return { status, code, message, ...(serviceErrorCode !== undefined ? { serviceErrorCode } : {}) };
}

/** The little text format as read: `\x` is x. */
export function unescapeLittle(commentary: string): string {
  return commentary.replace(/\\(.)/gsu, "$1");
}

const graphemes = (s: string) => [...new Intl.Segmenter().segment(s)].length;

/**
 * LinkedIn's REST API on loopback: `POST /rest/images?action=initializeUpload`, the upload URL it
 * hands out (`PUT /dms-uploads/…`, on this server unless `uploadBase` says elsewhere),
 * `POST /rest/posts` (201, the URN in `x-restli-id`) and the posts-by-author finder. It checks the
 * bearer token, `LinkedIn-Version` (missing: 400; not `version`: 426) and
 * `X-Restli-Protocol-Version`, and answers errors as LinkedIn does.
 */
export async function fakeLinkedIn(o: {
  token: string;
  /** Authors the token may post as. */
  authors: string[];
  version: string;
  maxImageBytes?: number;
  /** The token may post but not read posts (no r_member_social). */
  cannotRead?: boolean;
  /** Where upload URLs point (another origin, for the allowlist). */
  uploadBase?: string;
}) {
  const images: LinkedInImage[] = [];
  const posts: LinkedInPost[] = [];
  const hooks = new Hooks();
  let url = "";
  let next = 7_100_000_000_000_000_000n;

  const server = createServer(async (req, res) => {
    const where = new URL(req.url ?? "/", "http://x");
    const route = `${req.method} ${where.pathname.replace(/^\/dms-uploads\/[^/]+$/, "/dms-uploads/:id")}`;
    const raw = await body(req);
    if (req.headers.authorization !== `Bearer ${o.token}`)
      return send(res, 401, error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600));
    const failure = hooks.takeFailure(route);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(route, "before");

    if (route === "PUT /dms-uploads/:id") {
      const image = images.find((i) => i.uploadKey === where.pathname.split("/").pop());
      if (!image) return send(res, 404, error(404, "NOT_FOUND", "Upload URL not found"));
      if (o.maxImageBytes && raw.length > o.maxImageBytes)
        return send(res, 413, error(413, "REQUEST_ENTITY_TOO_LARGE", "Request entity too large"));
      image.bytes = raw;
      await hooks.pause(route, "after");
      res.writeHead(201);
      return res.end();
    }
    const version = req.headers["linkedin-version"];
    if (!version)
      return send(
        res,
        400,
        error(
          400,
          "VERSION_MISSING",
          "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        ),
      );
    if (version !== o.version)
      return send(
        res,
        426,
        error(426, "NONEXISTENT_VERSION", `Requested version ${String(version)} is not active`),
      );
    if (req.headers["x-restli-protocol-version"] !== "2.0.0")
      return send(res, 400, error(400, "ILLEGAL_ARGUMENT", "Rest.li protocol 2.0.0 is required"));

    if (route === "POST /rest/images" && where.searchParams.get("action") === "initializeUpload") {
      const owner = (
        JSON.parse(raw.toString("utf8") || "{}") as { initializeUploadRequest?: { owner?: string } }
      ).initializeUploadRequest?.owner;
      if (!owner || !o.authors.includes(owner))
        return send(
          res,
          403,
          error(
            403,
            "ACCESS_DENIED",
            "Not enough permissions to access: images.ACTION-initializeUpload",
            100,
          ),
        );
      const image: LinkedInImage = {
        urn: `urn:li:image:D4E10AQ${randomBytes(8).toString("hex")}`,
        owner,
        uploadKey: randomBytes(12).toString("hex"),
      };
      images.push(image);
      await hooks.pause(route, "after");
      return send(res, 200, {
        value: {
          uploadUrlExpiresAt: Date.now() + 3_600_000,
          uploadUrl: `${o.uploadBase ?? url}/dms-uploads/${image.uploadKey}?ca=vector_feedshare&cn=uploads&sync=0&v=beta`,
          image: image.urn,
        },
      });
    }
    if (route === "GET /rest/posts" && where.searchParams.get("q") === "author") {
      if (o.cannotRead)
        return send(
          res,
          403,
          error(403, "ACCESS_DENIED", "Not enough permissions to access: posts.FINDER-author", 100),
        );
      const author = where.searchParams.get("author");
      const count = Number(where.searchParams.get("count") ?? 10);
      const mine = posts
        .filter((p) => p.author === author)
        .reverse()
        .slice(0, count);
      return send(res, 200, {
        paging: { start: 0, count, links: [] },
        elements: mine.map((p) => ({
          id: p.urn,
          author: p.author,
          commentary: p.commentary,
          createdAt: p.createdAt,
          lastModifiedAt: p.createdAt,
          lifecycleState: "PUBLISHED",
          visibility: "PUBLIC",
          ...(p.media ? { content: { media: p.media } } : {}),
        })),
      });
    }
    if (route === "POST /rest/posts") {
      const p = JSON.parse(raw.toString("utf8") || "{}") as {
        author?: string;
        commentary?: string;
        lifecycleState?: string;
        content?: { media?: { id?: string; altText?: string } };
      };
      if (!p.author || !o.authors.includes(p.author))
        return send(
          res,
          403,
          error(403, "ACCESS_DENIED", `Not enough permissions to post as ${String(p.author)}`, 100),
        );
      const text = unescapeLittle(p.commentary ?? "");
      if (graphemes(text) > 3000)
        return send(
          res,
          422,
          error(422, "UNPROCESSABLE_ENTITY", "/commentary :: length of commentary is over the limit of 3000"),
        );
      const mediaId = p.content?.media?.id;
      if (mediaId && !images.some((i) => i.urn === mediaId && i.bytes))
        return send(
          res,
          422,
          error(422, "UNPROCESSABLE_ENTITY", `/content/media/id :: ${mediaId} is not uploaded`),
        );
      const post: LinkedInPost = {
        urn: `urn:li:share:${next++}`,
        author: p.author,
        commentary: p.commentary ?? "",
        text,
        ...(mediaId
          ? {
              media: {
                id: mediaId,
                ...(p.content?.media?.altText ? { altText: p.content.media.altText } : {}),
              },
            }
          : {}),
        createdAt: Date.now(),
        headers: { version: String(version), protocol: String(req.headers["x-restli-protocol-version"]) },
      };
      posts.push(post);
      await hooks.pause(route, "after");
      res.writeHead(201, { "x-restli-id": post.urn, "x-linkedin-id": post.urn });
      return res.end();
    }
    send(res, 404, error(404, "NOT_FOUND", "Resource not found"));
  });
  url = await listen(server);
  return { url, images, posts, hooks, close: () => close(server) };
}
