import { randomUUID } from "node:crypto";
import { CodedError, ErrorCode } from "../errors.js";
import { PublishError } from "./errors.js";
import { type Approval, type Published, type Publisher, type PublishPost, TARGET_LABEL } from "./port.js";
import { approvalKey, type PublishStore } from "./store.js";

export interface PublishOnceOptions {
  store: PublishStore;
  publisher: Publisher;
  post: PublishPost;
  approval: Approval;
  signal?: AbortSignal;
  /**
   * How long a claim lasts without renewal. A running attempt renews it; a crashed one's claim
   * lapses after this, and a retry takes over from its checkpoint.
   */
  leaseMs?: number;
}

/**
 * Publishes an approval exactly once: an earlier result is returned as a duplicate, a running
 * attempt elsewhere makes this one wait its turn (retryable), and an interrupted attempt is
 * resumed from its checkpoint by a publisher that never posts twice.
 */
export async function publishOnce(o: PublishOnceOptions): Promise<Published> {
  const { store, publisher, approval } = o;
  const key = approvalKey(publisher.target, approval.id);
  const earlier = await store.read(key);
  if (earlier.result) return { ...earlier.result, duplicate: true };

  const owner = randomUUID();
  const leaseMs = o.leaseMs ?? 15_000;
  if (!(await store.claim(key, owner, leaseMs)))
    throw new PublishError(
      publisher.target,
      ErrorCode.PublishUnavailable,
      `This post is being published to ${TARGET_LABEL[publisher.target]} right now; it will not be posted twice.`,
      { retryable: true, retryAfterS: Math.ceil(leaseMs / 1000) },
    );
  const renew = setInterval(() => {
    store.renew(key, owner, leaseMs).catch(() => {});
  }, leaseMs / 3);
  renew.unref();
  try {
    // It may have finished between our first look and the claim.
    const record = await store.read(key);
    if (record.result) return { ...record.result, duplicate: true };
    const done = await publisher.publish(o.post, {
      approval,
      checkpoint: record.checkpoint,
      save: (update) => store.saveCheckpoint(key, update),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const result = { target: done.target, id: done.id, url: done.url, publishedAt: Date.now() };
    await store.saveResult(key, result);
    return { ...result, duplicate: done.duplicate ?? false };
  } catch (err) {
    if (o.signal?.aborted)
      throw new CodedError(ErrorCode.Aborted, "The request was cancelled.", { cause: err });
    throw err;
  } finally {
    clearInterval(renew);
    await store.release(key, owner).catch(() => {});
  }
}
