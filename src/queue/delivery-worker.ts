import { randomBytes } from "node:crypto";
import { DelayedError, Worker } from "bullmq";
import type { Adapter } from "../core/adapter.js";
import {
  type DeliveryJob,
  type DeliveryReceipt,
  deliveryJobSchema,
  deliveryQueueName,
  type Platform,
} from "../core/jobs.js";
import { logger } from "../log.js";
import { batcher } from "./batch.js";
import { bullConnection, checkRedisTarget, workerConnection } from "./connection.js";
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
/** How long a done mark may wait for a claim to ride along with. */
const DONE_WITHIN_MS = 5;

/**
 * Claims and done marks, sent together in one script call (batch.ts). A claim ("c")
 * takes the right to post: "" when taken, otherwise the key's state. A done mark ("d") marks it
 * posted and frees the user's in-flight slot, together.
 */
const MARK = `
local leaseS, doneS = ARGV[1], ARGV[2]
local out, k = {}, 1
for a = 3, #ARGV, 2 do
  local op, arg = ARGV[a], ARGV[a + 1]
  if op == "c" then
    if redis.call("SET", KEYS[k], arg, "NX", "EX", leaseS) then
      out[#out + 1] = ""
    else
      out[#out + 1] = redis.call("GET", KEYS[k]) or "done"
    end
    k = k + 1
  else
    redis.call("SET", KEYS[k], "done", "EX", doneS)
    redis.call("ZREM", KEYS[k + 1], arg)
    out[#out + 1] = "ok"
    k = k + 2
  end
end
return out
`;
type Mark =
  | { op: "c"; key: string; lease: string }
  | { op: "d"; key: string; inflight: string; requestId: string };
type Scripts = { llavaMark(...args: (string | number)[]): Promise<string[]> };

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
  connection.defineCommand("llavaMark", { lua: MARK });
  const scripts = connection as unknown as Scripts;
  const mark = batcher(async (marks: Mark[]) => {
    const keys = marks.flatMap((m) => (m.op === "c" ? [m.key] : [m.key, m.inflight]));
    const args = marks.flatMap((m) => (m.op === "c" ? ["c", m.lease] : ["d", m.requestId]));
    return scripts.llavaMark(keys.length, ...keys, POSTING_LEASE_S, DONE_TTL_S, ...args);
  });
  // A lease names its holder: this process, and which of its claims.
  const holder = randomBytes(6).toString("hex");
  let claims = 0;
  const worker = new Worker<DeliveryJob, DeliveryReceipt>(
    bullQueueName(deliveryQueueName(options.platform)),
    async (job, token) => {
      const delivery = deliveryJobSchema.parse(job.data);
      const key = deliveredKey(options.prefix, delivery.platform, delivery.requestId);
      const lease = `posting:${holder}:${++claims}`;
      const state = await mark.now({ op: "c", key, lease });
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
      // Mark it posted and free the user's in-flight slot without waiting for the reply: the mark
      // rides along with the next claim (or goes within DONE_WITHIN_MS), so under load it costs no
      // round trip of its own. Until it lands, the lease keeps a retry out, and once the job is
      // completed its hash is a trace for admission too. A failed mark is only logged: the answer
      // is out, and failing the job now would post it again once the lease lapses.
      void mark
        .later(
          {
            op: "d",
            key,
            inflight: inflightKey(options.prefix, delivery.platform, delivery.user.id),
            requestId: delivery.requestId,
          },
          DONE_WITHIN_MS,
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
      await mark.drain();
      connection.disconnect();
    },
  };
}
