import type { Redis } from "ioredis";
import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import type { PostBundle } from "../core/jobs.js";
import { isCodedError } from "../errors.js";
import { isPublishError } from "../publish/errors.js";
import {
  configuredTargets,
  createPublisher,
  type PublishImage,
  type PublishTarget,
  publishOnce,
  redisPublishStore,
  TARGET_LABEL,
  targetForPlatform,
} from "../publish/index.js";
import type { BlobStore } from "../queue/blobs.js";
import { type Approval, approvalIdFor, type PostRecord } from "../queue/posts.js";

export type ApprovalOutcome =
  | { kind: "ready"; note?: string }
  | { kind: "published"; label: string; url: string; duplicate: boolean }
  /** retryAfterS: trying the same again may work, after about that many seconds. */
  | { kind: "failed"; code: string; message: string; retryAfterS?: number };

/**
 * Publishes an approved variant where the post's platform has an account configured (a Mastodon
 * post to Mastodon, a LinkedIn or LinkedIn-square post to LinkedIn…), exactly once per approval: the approval's id and
 * time are stable, so a Retry or a re-run job after a crash resumes instead of posting again.
 * Anything else, or an approval by someone who is not an approver, is "ready to post" by hand. A
 * failure the team can act on comes back as `failed` (the approval stays pending); others throw,
 * and the job retries.
 */
export async function publishApproval(o: {
  redis: Redis;
  prefix: string;
  config: Config;
  secrets: Secrets;
  blobs: BlobStore;
  record: PostRecord;
  approval: Approval;
  variant: PostBundle["variants"][number];
  signal: AbortSignal;
  /**
   * Times a failure that may pass (a rate limit, an outage, a crashed attempt's claim) is tried
   * again, after the wait it names, before it is reported: a scheduled post has nobody watching to
   * press Retry at once. 0 for a click, which reports at once.
   */
  retries?: number;
}): Promise<ApprovalOutcome> {
  const { record, approval } = o;
  const configured = configuredTargets(o.config, o.secrets);
  const target = targetForPlatform(record.bundle.platform);
  if (!target || !configured.includes(target)) {
    const names = configured.map((t) => TARGET_LABEL[t]).join(" or ");
    return {
      kind: "ready",
      ...(configured.length ? { note: `Switch the platform to ${names} to publish it from here.` } : {}),
    };
  }
  // The adapters let only approvers approve such a post; an approval by anyone else (no approvers
  // set up, or one made before approvers existed) is ready to post by hand and publishes nothing.
  if (!approval.approver)
    return { kind: "ready", note: `Not published to ${TARGET_LABEL[target]}: that needs an approver.` };
  for (let attempt = 0; ; attempt++) {
    const outcome = await publishTo(target, o);
    if (outcome.kind !== "failed" || outcome.retryAfterS === undefined || attempt >= (o.retries ?? 0))
      return outcome;
    await waitFor(Math.min(Math.max(outcome.retryAfterS, 1), MAX_WAIT_S) * 1000, o.signal);
  }
}

/** The longest a scheduled post waits between two tries inside one job. */
const MAX_WAIT_S = 30;

function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function publishTo(
  target: PublishTarget,
  o: Parameters<typeof publishApproval>[0],
): Promise<ApprovalOutcome> {
  const { record, approval } = o;
  try {
    const image = record.image;
    const publishImage: PublishImage | undefined =
      image && image.mime !== "image/gif"
        ? {
            bytes: await o.blobs.get(image.key),
            mime: image.mime,
            width: image.width,
            height: image.height,
            altText: image.altText,
          }
        : undefined;
    const done = await publishOnce({
      store: redisPublishStore(o.redis, o.prefix, o.config.publish.keyTtlS),
      publisher: createPublisher(target, o.config, o.secrets),
      approval: {
        id: approvalIdFor(record.postId, approval.variant),
        at: approval.at,
        ...(approval.by.name ? { by: approval.by.name } : {}),
      },
      post: {
        text: o.variant.text,
        ...(record.bundle.lang ? { lang: record.bundle.lang } : {}),
        ...(publishImage ? { image: publishImage } : {}),
      },
      signal: o.signal,
    });
    return { kind: "published", label: TARGET_LABEL[target], url: done.url, duplicate: done.duplicate };
  } catch (err) {
    if (isCodedError(err) && err.userFacing)
      return {
        kind: "failed",
        code: err.code,
        message: err.message,
        ...(isPublishError(err) && err.retryable ? { retryAfterS: err.retryAfterS ?? 5 } : {}),
      };
    throw err;
  }
}
