import { ErrorCode } from "../errors.js";
import { PRESETS } from "../skills/post/presets.js";
import { PublishError, publishFailure, remoteReason, retryAfterFrom } from "./errors.js";
import { checkPost, networkReason } from "./limits.js";
import type { Publisher, PublishPost } from "./port.js";

export interface LinkedInOptions {
  /** The REST API's origin, https://api.linkedin.com. */
  apiUrl: string;
  accessToken: string;
  /** Who posts: `urn:li:person:…` or `urn:li:organization:…`. */
  author: string;
  /** The `LinkedIn-Version` header, YYYYMM. */
  version: string;
  /** Origins an image upload URL may point at; any other is refused before a byte is sent. */
  uploadOrigins: string[];
  timeoutMs: number;
}

/** How many of the author's latest posts are searched for one an interrupted attempt made. */
const LOOK_BACK = 20;

/**
 * The caption in LinkedIn's "little" text format, where `\ | { } @ [ ] ( ) < > # * _ ~` are markup
 * and an unescaped one can cut the post short. Each is escaped except the `#` that starts a
 * hashtag, which stays a hashtag; `@` is always escaped, so model text never mentions anyone.
 */
export function littleText(text: string): string {
  return text.replace(/[\\|{}@[\]()<>#*_~]/g, (c, at: number) =>
    c === "#" && /^#[\p{L}\p{N}_]/u.test(text.slice(at)) && !/[\p{L}\p{N}_]/u.test(text[at - 1] ?? "")
      ? c
      : `\\${c}`,
  );
}

/** Where people see a post: its URN in the feed's update page. */
function postUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}/`;
}

interface LinkedInAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A LinkedIn error body: `{"status":401,"serviceErrorCode":65600,"code":"INVALID_ACCESS_TOKEN","message":"…"}`. */
function errorFrom(a: LinkedInAnswer, o: LinkedInOptions): PublishError {
  const b = (a.body ?? {}) as { message?: unknown; code?: unknown };
  const said = remoteReason(b.message ?? b.code);
  const retryAfterS = retryAfterFrom(a.headers);
  return publishFailure({
    target: "linkedin",
    status: a.status,
    // An old LinkedIn-Version is refused with 426: say which setting holds it.
    reason: a.status === 426 ? `${said} (publish.linkedin.version is ${o.version})` : said,
    credentials: "LINKEDIN_ACCESS_TOKEN (with w_member_social, or w_organization_social for a page)",
    where: new URL(o.apiUrl).origin,
    ...(retryAfterS !== undefined ? { retryAfterS } : {}),
  });
}

function unreachable(err: unknown, o: LinkedInOptions): PublishError {
  return publishFailure({
    target: "linkedin",
    reason: networkReason(err),
    credentials: "LINKEDIN_ACCESS_TOKEN",
    where: new URL(o.apiUrl).origin,
    cause: err,
  });
}

/**
 * LinkedIn's REST API with plain fetch: the official linkedin-api-client (0.3.0, beta, 2023) is a
 * generic Rest.li wrapper over Axios without the binary upload step, so it would save little and
 * take our timeouts and error bodies away. An image upload (`initializeUpload`, then the bytes
 * to the upload URL it gives), then a post with the image's URN and its alt text. LinkedIn has no
 * idempotency key, so the image URN is checkpointed before the post is asked for, and a retry
 * after a crash first looks for a post of the author's carrying that image.
 */
export function linkedinPublisher(o: LinkedInOptions): Publisher {
  const api = o.apiUrl.replace(/\/+$/, "");
  const allowed = new Set(o.uploadOrigins.map((u) => new URL(u).origin));

  async function call(
    url: string,
    req: {
      method: "GET" | "POST" | "PUT";
      headers?: Record<string, string>;
      json?: unknown;
      raw?: Uint8Array;
      signal?: AbortSignal | undefined;
    },
  ): Promise<LinkedInAnswer> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${o.accessToken}`,
          "linkedin-version": o.version,
          "x-restli-protocol-version": "2.0.0",
          ...(req.json !== undefined ? { "content-type": "application/json" } : {}),
          ...(req.raw ? { "content-type": "application/octet-stream" } : {}),
          ...req.headers,
        },
        ...(req.json !== undefined ? { body: JSON.stringify(req.json) } : {}),
        ...(req.raw ? { body: new Blob([req.raw as Uint8Array<ArrayBuffer>]) } : {}),
        signal: AbortSignal.any([AbortSignal.timeout(o.timeoutMs), ...(req.signal ? [req.signal] : [])]),
      });
    } catch (err) {
      throw unreachable(err, o);
    }
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined; // a proxy's HTML page: the status says enough
    }
    const answer = { status: res.status, headers: res.headers, body };
    if (!res.ok) throw errorFrom(answer, o);
    return answer;
  }

  /** Uploads the image (both steps) and returns its URN. */
  async function uploadImage(
    image: NonNullable<PublishPost["image"]>,
    signal?: AbortSignal,
  ): Promise<string> {
    const init = await call(`${api}/rest/images?action=initializeUpload`, {
      method: "POST",
      json: { initializeUploadRequest: { owner: o.author } },
      signal,
    });
    const value = (init.body as { value?: { uploadUrl?: unknown; image?: unknown } } | undefined)?.value;
    if (typeof value?.uploadUrl !== "string" || typeof value.image !== "string")
      throw unreachable(new Error("initializeUpload gave no uploadUrl and image"), o);
    let target: URL;
    try {
      target = new URL(value.uploadUrl);
    } catch {
      throw unreachable(new Error("initializeUpload gave a bad uploadUrl"), o);
    }
    if (!allowed.has(target.origin))
      throw new PublishError(
        "linkedin",
        ErrorCode.PublishRejected,
        `LinkedIn gave an upload address at ${target.host}, which is not in publish.linkedin.uploadOrigins; the image was not sent there. Nothing was posted.`,
        { retryable: false },
      );
    await call(target.href, { method: "PUT", raw: new Uint8Array(image.bytes), signal });
    return value.image;
  }

  /** The author's post that carries this image (or, for a text post, this commentary since `since`). */
  async function earlierPost(
    match: { imageUrn?: string; commentary: string; since: number },
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const q = `q=author&author=${encodeURIComponent(o.author)}&count=${LOOK_BACK}&sortBy=LAST_MODIFIED`;
    let answer: LinkedInAnswer;
    try {
      answer = await call(`${api}/rest/posts?${q}`, {
        method: "GET",
        headers: { "x-restli-method": "FINDER" },
        signal,
      });
    } catch (err) {
      if (!(err instanceof PublishError && err.code === ErrorCode.PublishAuth)) throw err;
      // The token may post but not read: we cannot tell, so we do not post a second time.
      throw new PublishError(
        "linkedin",
        ErrorCode.PublishRejected,
        "LinkedIn may already show this post: an earlier attempt was cut off after sending it, and the token cannot list the author's posts to check (it needs r_member_social or r_organization_social). Look at the page before posting it by hand; nothing was posted again.",
        { retryable: false, cause: err },
      );
    }
    type Element = {
      id?: string;
      commentary?: string;
      createdAt?: number;
      content?: { media?: { id?: string } };
    };
    const elements = ((answer.body as { elements?: Element[] } | undefined)?.elements ?? []).filter(
      (e) => typeof e.id === "string",
    );
    const hit = match.imageUrn
      ? elements.find((e) => e.content?.media?.id === match.imageUrn)
      : elements.find((e) => e.commentary === match.commentary && (e.createdAt ?? 0) >= match.since - 60_000);
    return hit?.id;
  }

  return {
    target: "linkedin",
    async publish(post, step) {
      checkPost("linkedin", post, PRESETS.linkedin);
      const commentary = littleText(post.text);
      let imageUrn = step.checkpoint.imageUrn;
      if (post.image && !imageUrn) {
        imageUrn = await uploadImage(post.image, step.signal);
        await step.save({ imageUrn });
      }
      const found = (id: string) => ({ target: "linkedin" as const, id, url: postUrl(id), duplicate: true });
      if (step.checkpoint.postAt) {
        const id = await earlierPost(
          { ...(imageUrn ? { imageUrn } : {}), commentary, since: Number(step.checkpoint.postAt) },
          step.signal,
        );
        if (id) return found(id);
      }
      await step.save({ postAt: String(Date.now()) });
      const created = await call(`${api}/rest/posts`, {
        method: "POST",
        json: {
          author: o.author,
          commentary,
          visibility: "PUBLIC",
          distribution: {
            feedDistribution: "MAIN_FEED",
            targetEntities: [],
            thirdPartyDistributionChannels: [],
          },
          ...(imageUrn && post.image
            ? { content: { media: { id: imageUrn, altText: post.image.altText } } }
            : {}),
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
        },
        signal: step.signal,
      });
      const id = created.headers.get("x-restli-id");
      if (!id) throw unreachable(new Error("the post was made but LinkedIn gave no x-restli-id"), o);
      return { target: "linkedin", id, url: postUrl(id), duplicate: false };
    },
  };
}
