import { MastoHttpError, type mastodon } from "masto";
import { ErrorCode } from "../errors.js";
import { PublishError } from "./errors.js";
import {
  checkAgainstInstance,
  idempotencyKey,
  type MastodonOptions,
  mastoClient,
  mastoFailure,
  statusParams,
  uploadMedia,
} from "./mastodon.js";
import type { Publisher } from "./port.js";

export interface PixelfedOptions extends Omit<MastodonOptions, "visibility"> {
  visibility: "public" | "unlisted" | "private";
}

/** How many of the account's latest statuses are searched for one an interrupted attempt made. */
const LOOK_BACK = 20;

/**
 * The status carrying this upload, among the account's latest. An upload belongs to one status,
 * and its id is checkpointed before the status is asked for, so it names the post we made.
 */
async function statusWithMedia(
  client: mastodon.rest.Client,
  mediaId: string,
): Promise<mastodon.v1.Status | undefined> {
  const me = await client.v1.accounts.verifyCredentials();
  const latest = await client.v1.accounts.$select(me.id).statuses.list({ limit: LOOK_BACK });
  return latest.find((s) => s.mediaAttachments.some((m) => m.id === mediaId));
}

function isDuplicateKey(err: unknown): boolean {
  return (
    err instanceof MastoHttpError &&
    err.statusCode === 400 &&
    /idempotency/i.test(String(err.additionalProperties?.message ?? err.message))
  );
}

/**
 * Pixelfed through the Mastodon API it speaks: the photo with its alt text, then the status. It
 * is photo-first (a status without media is refused), and a repeated Idempotency-Key is answered
 * with 400 rather than the first status, so a retry after a crash looks for the status holding its
 * checkpointed upload before it posts, and again when the key was already used.
 */
export function pixelfedPublisher(o: PixelfedOptions): Publisher {
  const where = {
    target: "pixelfed" as const,
    instanceUrl: o.instanceUrl,
    credentials: "PIXELFED_ACCESS_TOKEN (with the read and write scopes)",
  };
  const found = (s: mastodon.v1.Status) => ({
    target: "pixelfed" as const,
    id: s.id,
    url: s.url ?? s.uri,
    duplicate: true,
  });
  return {
    target: "pixelfed",
    async publish(post, step) {
      if (!post.image)
        throw new PublishError(
          "pixelfed",
          ErrorCode.PublishRejected,
          "Pixelfed posts photos: this post has no image to publish. Nothing was posted.",
          { retryable: false },
        );
      await checkAgainstInstance("pixelfed", post, o);
      const client = mastoClient(o, step.signal);
      try {
        const mediaId = (await uploadMedia(client, post, step, o)) as string;
        if (step.checkpoint.statusAt) {
          const earlier = await statusWithMedia(client, mediaId);
          if (earlier) return found(earlier);
        }
        await step.save({ statusAt: String(Date.now()) });
        try {
          const status = await client.v1.statuses.create(statusParams(post, o.visibility, mediaId), {
            requestInit: { headers: { "Idempotency-Key": idempotencyKey(step.approval.id) } },
          });
          return { target: "pixelfed", id: status.id, url: status.url ?? status.uri, duplicate: false };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Another attempt sent this status; it is there, or still being made.
          const earlier = await statusWithMedia(client, mediaId);
          if (earlier) return found(earlier);
          throw new PublishError(
            "pixelfed",
            ErrorCode.PublishUnavailable,
            "Pixelfed is still making this post from an earlier attempt; it will not be posted twice. Try again in a minute.",
            { retryable: true, retryAfterS: 60 },
          );
        }
      } catch (err) {
        throw mastoFailure(err, where);
      }
    },
  };
}
