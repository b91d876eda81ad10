import { Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import {
  deliveryQueueName,
  MAX_TEXT_CHARS,
  type RequestInput,
  type RequestJob,
  requestJobSchema,
} from "../core/jobs.js";
import { CodedError, ErrorCode } from "../errors.js";
import { type BlobStore, createBlobStore } from "./blobs.js";
import { bullConnection, checkRedisTarget, producerConnection, ready } from "./connection.js";
import { type Admission, createLimits, type Limits } from "./limits.js";
import { bullQueueName, deliveredKey, jobIdFor, jobKey, priorityScoreBound, seenKey } from "./names.js";
import { createSchedule, type Schedule } from "./schedule.js";

export interface ProducerOptions {
  redisUrl: string;
  prefix: string;
  config: Config;
}

interface SubmitResult {
  jobId: string;
  /** 1-based place among waiting requests; 0 when it is already running or done. */
  position: number;
  /** True when this event had been submitted before: nothing new was queued. */
  duplicate: boolean;
}

const PRIORITY = { interactive: 1, background: 10 } as const;

export interface Producer {
  submit(input: RequestInput): Promise<SubmitResult>;
  /** True the first time a key is claimed (within ttlS): for adapter replies that are not jobs, e.g. "please attach an image". */
  once(key: string, ttlS?: number): Promise<boolean>;
  /** Small per-channel settings shared by adapter replicas (auto-caption on/off). */
  setting(name: string): {
    has(member: string): Promise<boolean>;
    add(member: string): Promise<void>;
    remove(member: string): Promise<void>;
    members(): Promise<string[]>;
  };
  position(requestId: string): Promise<number>;
  readonly blobs: BlobStore;
  readonly limits: Limits;
  /** Scheduled posts (delayed jobs on the same queue), opened on first use. */
  readonly schedule: Schedule;
  close(): Promise<void>;
}

function slotTtlMs(config: Config): number {
  return config.engine.jobTimeoutMs * (config.engine.attempts + 1) + 10 * 60_000;
}

export function createProducer(options: ProducerOptions): Producer {
  const { config, prefix } = options;
  checkRedisTarget(options.redisUrl, prefix);
  const redis = producerConnection(options.redisUrl);
  // BullMQ's Queue uses its own connection; it must not fail fast while adding.
  const queue = new Queue<RequestJob>(bullQueueName("requests"), {
    connection: bullConnection(options.redisUrl, "queue"),
    prefix,
  });
  queue.on("error", () => undefined); // outages surface as rejected submits; the connection retries
  const blobs = createBlobStore(redis, {
    prefix,
    ttlS: config.limits.blobTtlS,
    maxBytes: config.limits.maxImageBytes,
  });
  const limits = createLimits(redis, {
    prefix,
    perUserInFlight: config.limits.perUserInFlight,
    perScopeRate: config.limits.perScopeRate,
    perScopeWindowS: config.limits.perScopeWindowS,
    backgroundRate: config.limits.backgroundRate,
    slotTtlMs: slotTtlMs(config),
  });
  const prioritizedKey = `${prefix}:${bullQueueName("requests")}:prioritized`;

  async function position(requestId: string): Promise<number> {
    const rank = await redis.zrank(prioritizedKey, jobIdFor(requestId));
    return rank === null ? 0 : rank + 1;
  }

  let schedule: Schedule | undefined;
  return {
    blobs,
    limits,
    position,
    get schedule() {
      schedule ??= createSchedule(options);
      return schedule;
    },
    /**
     * Two round trips: one script admits the request (duplicate check, limits, position), then
     * BullMQ adds the job. Nothing is marked after the add; the job itself is the lasting mark.
     * Requests submitted together share the first (batch.ts). The adds stay one by one: addBulk
     * builds an ioredis Pipeline per call, and bench:queue measured it slower even in bursts.
     */
    async submit(input) {
      // Slack allows 40,000 characters in a message: say what fits instead of failing as a bug.
      const chars = input.text?.length ?? 0;
      if (chars > MAX_TEXT_CHARS)
        throw new CodedError(
          ErrorCode.BadRequest,
          `That message is ${chars.toLocaleString("en-US")} characters long; I can take up to ${MAX_TEXT_CHARS.toLocaleString("en-US")}. Please send a shorter one, or just the part you want me to look at.`,
        );
      const data = requestJobSchema.parse(input);
      await ready(redis);
      const jobId = jobIdFor(data.requestId);
      const pending = seenKey(prefix, data.requestId);
      const subject = {
        requestId: data.requestId,
        platform: data.platform,
        userId: data.user.id,
        scopeId: data.scope.id,
        background: data.priority === "background",
      };
      const admission: Admission = await limits.admit(subject, {
        pending,
        traces: [
          jobKey(prefix, "requests", jobId),
          jobKey(prefix, deliveryQueueName(data.platform), jobId),
          deliveredKey(prefix, data.platform, data.requestId),
        ],
        prioritized: prioritizedKey,
        jobId,
        maxScore: priorityScoreBound(PRIORITY[data.priority]),
      });
      if (admission.status === "seen") return { jobId, position: admission.position, duplicate: true };
      try {
        await queue.add("request", data, {
          jobId,
          priority: PRIORITY[data.priority],
          // Background work past its budget waits for the window it was given.
          ...(admission.delayMs > 0 ? { delay: admission.delayMs } : {}),
          attempts: config.engine.attempts,
          backoff: { type: "exponential", delay: 1000 },
          removeOnComplete: {
            age: config.limits.keepCompleted.ageS,
            count: config.limits.keepCompleted.count,
          },
          removeOnFail: { age: config.limits.keepFailed.ageS, count: config.limits.keepFailed.count },
        });
      } catch (err) {
        // Give back the slot and the pending mark so a retry of this event is not a "duplicate"
        // of a request that was never queued. If Redis is gone this fails too; the mark lapses.
        await limits.unadmit(subject, pending, admission).catch(() => undefined);
        throw err;
      }
      return { jobId, position: admission.position, duplicate: false };
    },
    async once(key, ttlS = 3 * 24 * 3600) {
      return (await redis.set(`${prefix}:once:${key}`, "1", "EX", ttlS, "NX")) === "OK";
    },
    setting(name) {
      const key = `${prefix}:setting:${name}`;
      return {
        has: async (member) => (await redis.sismember(key, member)) === 1,
        add: async (member) => {
          await redis.sadd(key, member);
        },
        remove: async (member) => {
          await redis.srem(key, member);
        },
        members: () => redis.smembers(key),
      };
    },
    async close() {
      await schedule?.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
