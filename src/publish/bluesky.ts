import { createHash } from "node:crypto";
import { AtpAgent, type BlobRef, RichText, XRPCError } from "@atproto/api";
import { PRESETS } from "../skills/post/presets.js";
import { PublishError, publishFailure, remoteReason, retryAfterFrom } from "./errors.js";
import { checkPost, networkReason } from "./limits.js";
import type { Approval, Publisher } from "./port.js";

export interface BlueskyOptions {
  /** The PDS or entryway, e.g. https://bsky.social. */
  service: string;
  /** Handle or DID. */
  identifier: string;
  /** An app password. */
  password: string;
  timeoutMs: number;
  /** Where posts are viewed. */
  appUrl?: string;
}

const COLLECTION = "app.bsky.feed.post";
export const BLUESKY_MAX_GRAPHEMES = PRESETS.bluesky.captionLimit;
const S32 = "234567abcdefghijklmnopqrstuvwxyz";

/**
 * The post's record key, a valid TID made from the approval: its time (with microseconds and a
 * clock id from a hash of its id). The same approval always gets the same key, so a retried
 * createRecord cannot make a second post: the key is taken.
 */
export function recordKeyFor(approval: Approval): string {
  const h = createHash("sha256").update(approval.id).digest();
  const micros = BigInt(Math.floor(approval.at)) * 1000n + BigInt(h.readUInt16BE(0) % 1000);
  let v = (micros << 10n) | BigInt(h.readUInt16BE(2) % 1024);
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = S32[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

function timedFetch(timeoutMs: number, signal: AbortSignal | undefined): typeof fetch {
  return (input, init) =>
    fetch(input, {
      ...init,
      signal: AbortSignal.any([
        AbortSignal.timeout(timeoutMs),
        ...(signal ? [signal] : []),
        ...(init?.signal ? [init.signal] : []),
      ]),
    });
}

function mapError(err: unknown, o: BlueskyOptions): unknown {
  if (err instanceof PublishError) return err;
  const facts = {
    target: "bluesky" as const,
    credentials: `the handle (${o.identifier}) and BLUESKY_APP_PASSWORD (an app password, not the account password)`,
    where: new URL(o.service).origin,
    cause: err,
  };
  if (err instanceof XRPCError && err.status >= 100) {
    const headers = err.headers;
    const retryAfterS = retryAfterFrom(headers ? { get: (n) => headers[n] ?? null } : undefined);
    const tooLarge = err.error === "BlobTooLarge" || err.error === "PayloadTooLarge";
    return publishFailure({
      ...facts,
      status: tooLarge ? 413 : err.status,
      reason: remoteReason(err.message || err.error),
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    });
  }
  return publishFailure({ ...facts, reason: networkReason(err) });
}

export function blueskyPublisher(o: BlueskyOptions): Publisher {
  return {
    target: "bluesky",
    async publish(post, step) {
      // The lexicon's limits (text graphemes and bytes, image bytes) and the app's for alt text.
      checkPost("bluesky", post, PRESETS.bluesky);
      const rt = new RichText({ text: post.text });
      const agent = new AtpAgent({ service: o.service, fetch: timedFetch(o.timeoutMs, step.signal) });
      try {
        await agent.login({ identifier: o.identifier, password: o.password });
        const session = agent.session;
        if (!session) throw new Error("createSession gave no session");
        // Kept with the first attempt, so a retry that carries another approval time uses the same key.
        const rkey = step.checkpoint.rkey ?? recordKeyFor(step.approval);
        const createdAt = step.checkpoint.createdAt ?? new Date(step.approval.at).toISOString();
        if (!step.checkpoint.rkey) await step.save({ rkey, createdAt });
        const link = (handle: string) =>
          `${(o.appUrl ?? "https://bsky.app").replace(/\/$/, "")}/profile/${handle}/post/${rkey}`;
        const existing = async () => {
          try {
            const r = await agent.com.atproto.repo.getRecord({
              repo: session.did,
              collection: COLLECTION,
              rkey,
            });
            return r.data.uri;
          } catch (err) {
            if (err instanceof XRPCError && err.status === 400) return undefined; // RecordNotFound
            throw err;
          }
        };
        // An interrupted attempt may have made the post already.
        if (step.checkpoint.recordAt) {
          const uri = await existing();
          if (uri) return { target: "bluesky", id: uri, url: link(session.handle), duplicate: true };
        }
        let blob: BlobRef | undefined;
        if (post.image) {
          // Blobs are content-addressed: uploading the same bytes again gives the same reference.
          const uploaded = await agent.uploadBlob(new Uint8Array(post.image.bytes), {
            encoding: post.image.mime,
          });
          blob = uploaded.data.blob;
        }
        await rt.detectFacets(agent);
        const record = {
          $type: COLLECTION,
          text: rt.text,
          ...(rt.facets?.length ? { facets: rt.facets } : {}),
          createdAt,
          ...(post.lang ? { langs: [post.lang] } : {}),
          ...(blob && post.image
            ? {
                embed: {
                  $type: "app.bsky.embed.images",
                  images: [
                    {
                      image: blob,
                      alt: post.image.altText,
                      aspectRatio: { width: post.image.width, height: post.image.height },
                    },
                  ],
                },
              }
            : {}),
        };
        await step.save({ recordAt: String(Date.now()) });
        try {
          const created = await agent.com.atproto.repo.createRecord({
            repo: session.did,
            collection: COLLECTION,
            rkey,
            record,
          });
          return { target: "bluesky", id: created.data.uri, url: link(session.handle), duplicate: false };
        } catch (err) {
          // The key is taken: this approval's post exists (made by an attempt we did not hear back from).
          if (err instanceof XRPCError && err.status === 400) {
            const uri = await existing();
            if (uri) return { target: "bluesky", id: uri, url: link(session.handle), duplicate: true };
          }
          throw err;
        }
      } catch (err) {
        throw mapError(err, o);
      }
    },
  };
}
