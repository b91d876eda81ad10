import { randomBytes } from "node:crypto";
import { DelayedError, Worker } from "bullmq";
import type { Adapter } from "../bots/adapter.js";
import { logger } from "../log.js";
import { bullConnection, checkRedisTarget, workerConnection } from "./connection.js";
import {
  type DeliveryJob,
  type DeliveryReceipt,
  deliveryJobSchema,
  deliveryQueueName,
  type Platform,
} from "./jobs.js";
import { inflightKey } from "./limits.js";
import { bullQueueName, deliveredKey } from "./names.js";

export interface DeliveryWorkerOptions {
  redisUrl: string;
  prefix: string;
  platform: Platform;
  adapter: Pick<Adapter, "post">;
  concurrency?: number;
}

/** While a post is in progress its claim is a short lease; once posted it is a long-lived "done" mark. */
const POSTING_LEASE_S = 120;
const DONE_TTL_S = 7 * 24 * 3600;

/** Claims the right to post in one round trip: "" when claimed, otherwise the key's state. */
const CLAIM = `
if redis.call("SET", KEYS[1], ARGV[1], "NX", "EX", ARGV[2]) then return "" end
return redis.call("GET", KEYS[1]) or "done"
`;
/** Marks it posted and frees the user's in-flight slot, together. */
const DONE = `
redis.call("SET", KEYS[1], "done", "EX", ARGV[1])
redis.call("ZREM", KEYS[2], ARGV[2])
return 1
`;
type Scripts = {
  llavaClaim(key: string, lease: string, ttlS: number): Promise<string>;
  llavaDone(key: string, inflight: string, ttlS: number, requestId: string): Promise<number>;
};

/**
 * Consumes deliveries:<platform> and posts each one exactly once to the user. A claim key is set
 * before posting: a retried delivery (worker crash, stalled job, duplicate enqueue) finds it and
 * posts nothing. The trade-off: if a process dies between claiming and posting, the lease
 * expires after two minutes and the retry posts then — late, never twice.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): {
  worker: Worker;
  close(): Promise<void>;
} {
  checkRedisTarget(options.redisUrl, options.prefix);
  const connection = workerConnection(options.redisUrl);
  connection.defineCommand("llavaClaim", { numberOfKeys: 1, lua: CLAIM });
  connection.defineCommand("llavaDone", { numberOfKeys: 2, lua: DONE });
  const scripts = connection as unknown as Scripts;
  // A lease names its holder: this process, and which of its claims.
  const holder = randomBytes(6).toString("hex");
  let claims = 0;
  const worker = new Worker<DeliveryJob, DeliveryReceipt>(
    bullQueueName(deliveryQueueName(options.platform)),
    async (job, token) => {
      const delivery = deliveryJobSchema.parse(job.data);
      const key = deliveredKey(options.prefix, delivery.platform, delivery.requestId);
      const lease = `posting:${holder}:${++claims}`;
      const state = await scripts.llavaClaim(key, lease, POSTING_LEASE_S);
      if (state !== "") {
        if (state.startsWith("posting:")) {
          // Another worker is posting it right now; look again when its lease could have run out.
          await job.moveToDelayed(Date.now() + POSTING_LEASE_S * 1000, token);
          throw new DelayedError();
        }
        return { postedAt: Date.now(), messageIds: [], duplicate: true };
      }
      let receipt: Omit<DeliveryReceipt, "duplicate">;
      try {
        receipt = await options.adapter.post(delivery);
      } catch (err) {
        await connection.del(key); // nothing was posted: let the retry try again
        throw err;
      }
      // Mark it posted and free the user's in-flight slot (one script), without waiting for the
      // reply: it is sent before the job completes, and the completion need not wait a round trip
      // for it. A failed mark is only logged: the answer is out, and failing the job now would post
      // it again once the lease lapses (the lease still keeps a quick retry out meanwhile).
      void scripts
        .llavaDone(
          key,
          inflightKey(options.prefix, delivery.platform, delivery.user.id),
          DONE_TTL_S,
          delivery.requestId,
        )
        .catch((err: unknown) =>
          logger().warn({ err, requestId: delivery.requestId }, "could not mark delivery done"),
        );
      return { ...receipt, duplicate: false };
    },
    {
      connection: bullConnection(options.redisUrl, "worker"),
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
    },
  );
  worker.on("failed", (job, err) => {
    logger().warn({ err, requestId: job?.data.requestId, attempts: job?.attemptsMade }, "delivery failed");
  });
  let lastError = 0;
  worker.on("error", (err) => {
    if (Date.now() - lastError > 10_000)
      logger().warn({ err: err.message }, "delivery worker error; retrying");
    lastError = Date.now();
  });
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
