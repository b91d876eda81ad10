import { createHash } from "node:crypto";
import {
  createRestAPIClient,
  MastoHttpError,
  MastoTimeoutError,
  MastoUnexpectedError,
  type mastodon,
} from "masto";
import { presetFor } from "../skills/post/presets.js";
import { PublishError, publishFailure, remoteReason, retryAfterFrom } from "./errors.js";
import { instanceLimits } from "./instance.js";
import { checkPost, networkReason } from "./limits.js";
import type { Publisher, PublishPost, PublishTarget } from "./port.js";

export interface MastodonOptions {
  instanceUrl: string;
  accessToken: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  timeoutMs: number;
  /** How long to wait for the instance to finish processing an uploaded image. */
  mediaWaitMs?: number;
}

/** Servers that speak the Mastodon REST API (Mastodon itself, Pixelfed). */
export type MastodonApiTarget = Extract<PublishTarget, "mastodon" | "pixelfed">;

/** Same approval, same key: Mastodon answers a repeated status with the one it already made. */
export function idempotencyKey(approvalId: string): string {
  return createHash("sha256").update(`llava-bot:publish:${approvalId}`).digest("hex");
}

/** A failed masto call as the one sentence the team sees. */
export function mastoFailure(
  err: unknown,
  o: { target: MastodonApiTarget; instanceUrl: string; credentials: string },
): unknown {
  if (err instanceof PublishError) return err;
  const facts = {
    target: o.target,
    credentials: o.credentials,
    where: new URL(o.instanceUrl).origin,
    cause: err,
  };
  if (err instanceof MastoHttpError) {
    const response = err.cause instanceof Response ? err.cause : undefined;
    const retryAfterS = retryAfterFrom(response?.headers);
    // Mastodon says `{"error": …}`; Pixelfed (Laravel) says `{"message": …}`.
    const said = err.description || err.message || err.additionalProperties?.message;
    return publishFailure({
      ...facts,
      status: err.statusCode,
      reason: remoteReason(said),
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    });
  }
  if (err instanceof MastoTimeoutError) return publishFailure({ ...facts, reason: "timed out" });
  if (err instanceof MastoUnexpectedError)
    return publishFailure({ ...facts, reason: "it answered with something other than the Mastodon API" });
  return publishFailure({ ...facts, reason: networkReason(err) });
}

/** A masto client for one publish: JSON errors asked for (Laravel answers HTML otherwise), the job's signal. */
export function mastoClient(o: MastodonOptions, signal: AbortSignal | undefined): mastodon.rest.Client {
  return createRestAPIClient({
    url: o.instanceUrl,
    accessToken: o.accessToken,
    timeout: o.timeoutMs,
    log: "error",
    requestInit: { headers: { accept: "application/json" }, ...(signal ? { signal } : {}) },
  });
}

/** The post checked against the instance's own limits (read once per process) before any upload. */
export async function checkAgainstInstance(
  target: MastodonApiTarget,
  post: PublishPost,
  o: MastodonOptions,
): Promise<void> {
  const { limits } = await instanceLimits(o.instanceUrl, { timeoutMs: o.timeoutMs });
  checkPost(target, post, presetFor(target, { limits }));
}

/**
 * The image with its alt text as the media description (`POST /api/v2/media`), once: its id is
 * checkpointed, so a retry attaches the same upload. Waits while the server is still processing it.
 */
export async function uploadMedia(
  client: mastodon.rest.Client,
  post: PublishPost,
  step: Parameters<Publisher["publish"]>[1],
  o: MastodonOptions,
): Promise<string | undefined> {
  if (step.checkpoint.mediaId || !post.image) return step.checkpoint.mediaId;
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
  await step.save({ mediaId: media.id });
  return media.id;
}

/** The status's fields both servers take. */
export function statusParams(post: PublishPost, visibility: string, mediaId: string | undefined) {
  return {
    status: post.text,
    visibility: visibility as MastodonOptions["visibility"],
    ...(mediaId ? { mediaIds: [mediaId] } : {}),
    ...(post.lang ? { language: post.lang.split("-")[0] } : {}),
  };
}

export function mastodonPublisher(o: MastodonOptions): Publisher {
  const where = {
    target: "mastodon" as const,
    instanceUrl: o.instanceUrl,
    credentials: "MASTODON_ACCESS_TOKEN",
  };
  return {
    target: "mastodon",
    async publish(post, step) {
      await checkAgainstInstance("mastodon", post, o);
      const client = mastoClient(o, step.signal);
      try {
        const mediaId = await uploadMedia(client, post, step, o);
        const attemptAt = Date.now();
        const retried = Boolean(step.checkpoint.statusAt);
        await step.save({ statusAt: String(attemptAt) });
        const status = await client.v1.statuses.create(statusParams(post, o.visibility, mediaId), {
          requestInit: { headers: { "Idempotency-Key": idempotencyKey(step.approval.id) } },
        });
        // A replayed key returns the status an interrupted attempt already made.
        const duplicate = retried && Date.parse(status.createdAt) < attemptAt - 1000;
        return { target: "mastodon", id: status.id, url: status.url ?? status.uri, duplicate };
      } catch (err) {
        throw mastoFailure(err, where);
      }
    },
  };
}
