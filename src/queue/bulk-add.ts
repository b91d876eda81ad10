import type { BulkJobOptions, Job, Queue } from "bullmq";
import { batcher } from "./batch.js";

export interface JobToAdd<D> {
  name: string;
  data: D;
  opts: BulkJobOptions;
}

/** Below this, plain adds are cheaper: each addBulk builds an ioredis Pipeline, which copies every script BullMQ defines. */
const MIN_BULK = 4;

/**
 * `queue.add`, except that the jobs added together (batch.ts) go as one `addBulk`: one write
 * and one reply for the lot instead of one each, which is most of what an add costs in a burst.
 * BullMQ's bulk add is not all-or-nothing, so when it fails each job is tried again on its own,
 * and every caller gets its own job or its own error (job ids make a repeated add harmless).
 */
export function bulkAdder<D>(queue: Queue<D>): (job: JobToAdd<D>) => Promise<Job<D>> {
  const one = (j: JobToAdd<D>) => queue.add(j.name as never, j.data as never, j.opts) as Promise<Job<D>>;
  const batch = batcher(async (jobs: JobToAdd<D>[]): Promise<PromiseSettledResult<Job<D>>[]> => {
    if (jobs.length >= MIN_BULK) {
      try {
        const added = (await queue.addBulk(jobs as never)) as Job<D>[];
        return added.map((value) => ({ status: "fulfilled", value }));
      } catch {
        // fall through: one by one
      }
    }
    return Promise.allSettled(jobs.map(one));
  });
  return async (job) => {
    const outcome = await batch.now(job);
    if (outcome.status === "rejected") throw outcome.reason;
    return outcome.value;
  };
}
