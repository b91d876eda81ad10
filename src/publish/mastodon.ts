import { createHash } from "node:crypto";
import { createRestAPIClient, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from "masto";
import { presetFor } from "../skills/post/presets.js";
import { PublishError, publishFailure, remoteReason, retryAfterFrom } from "./errors.js";
import { instanceLimits } from "./instance.js";
import { checkPost, networkReason } from "./limits.js";
import type { Publisher } from "./port.js";

export interface MastodonOptions {
  instanceUrl: string;
  accessToken: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  timeoutMs: number;
  /** How long to wait for the instance to finish processing an uploaded image. */
  mediaWaitMs?: number;
}

/** Same approval, same key: Mastodon answers a repeated status with the one it already made. */
export function idempotencyKey(approvalId: string): string {
  return createHash("sha256").update(`llava-bot:publish:${approvalId}`).digest("hex");
}

function mapError(err: unknown, o: MastodonOptions): unknown {
  if (err instanceof PublishError) return err;
  const where = new URL(o.instanceUrl).origin;
  const facts = { target: "mastodon" as const, credentials: "MASTODON_ACCESS_TOKEN", where, cause: err };
  if (err instanceof MastoHttpError) {
    const response = err.cause instanceof Response ? err.cause : undefined;
    const retryAfterS = retryAfterFrom(response?.headers);
    return publishFailure({
      ...facts,
      status: err.statusCode,
      reason: remoteReason(err.description ?? err.message),
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    });
  }
  if (err instanceof MastoTimeoutError) return publishFailure({ ...facts, reason: "timed out" });
  if (err instanceof MastoUnexpectedError)
    return publishFailure({ ...facts, reason: "it answered with something other than the Mastodon API" });
  return publishFailure({ ...facts, reason: networkReason(err) });
}

export function mastodonPublisher(o: MastodonOptions): Publisher {
  return {
    target: "mastodon",
    async publish(post, step) {
      // The instance's own limits (read once per process), checked before anything is uploaded.
      const { limits } = await instanceLimits(o.instanceUrl, { timeoutMs: o.timeoutMs });
      checkPost("mastodon", post, presetFor("mastodon", { limits }));
      const client = createRestAPIClient({
        url: o.instanceUrl,
        accessToken: o.accessToken,
        timeout: o.timeoutMs,
        log: "error",
        ...(step.signal ? { requestInit: { signal: step.signal } } : {}),
      });
      try {
        let mediaId = step.checkpoint.mediaId;
        if (post.image && !mediaId) {
          const media = await client.v2.media.create({
            file: new Blob([new Uint8Array(post.image.bytes)], { type: post.image.mime }),
            description: post.image.altText,
            skipPolling: true,
          });
          // 200: processed already; 202: still processing, and a status cannot attach it yet.
          const deadline = Date.now() + (o.mediaWaitMs ?? 60_000);
          let ready = Boolean(media.url);
          while (!ready && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
            ready = Boolean((await client.v1.media.$select(media.id).fetch()).url);
          }
          mediaId = media.id;
          await step.save({ mediaId });
        }
        const attemptAt = Date.now();
        const retried = Boolean(step.checkpoint.statusAt);
        await step.save({ statusAt: String(attemptAt) });
        const status = await client.v1.statuses.create(
          {
            status: post.text,
            visibility: o.visibility,
            ...(mediaId ? { mediaIds: [mediaId] } : {}),
            ...(post.lang ? { language: post.lang.split("-")[0] } : {}),
          },
          { requestInit: { headers: { "Idempotency-Key": idempotencyKey(step.approval.id) } } },
        );
        // A replayed key returns the status an interrupted attempt already made.
        const duplicate = retried && Date.parse(status.createdAt) < attemptAt - 1000;
        return { target: "mastodon", id: status.id, url: status.url ?? status.uri, duplicate };
      } catch (err) {
        throw mapError(err, o);
      }
    },
  };
}
