import { type Job, Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import { type RequestInput, type RequestJob, requestJobSchema } from "../core/jobs.js";
import { bullConnection, checkRedisTarget, producerConnection } from "./connection.js";
import { bullQueueName, jobIdFor, requestIdFor } from "./names.js";

/**
 * Scheduled posts: a scheduled post is a delayed `approve` job on the requests queue whose id is
 * the approval's, so scheduling it twice makes one job, and at its time an engine publishes it
 * through the same exactly-once publisher as Approve. BullMQ keeps it in Redis (AOF survives a
 * restart) and any engine takes it when it is due. Moving, cancelling or publishing it now act on
 * the job only while it still waits; once an engine has it, it is being published.
 */

/** The BullMQ job name of a scheduled post (clicks' approve jobs are named "request"). */
const SCHEDULED_JOB = "scheduled";

export interface ScheduledJob {
  /** The approval's id, also the job's: `${postId}:approve:${variant}`. */
  approvalId: string;
  /** When it is due (ms since the epoch). */
  at: number;
  request: RequestJob;
}

/** What a change to a scheduled post found: done, no such post waiting, or already being published. */
export type ScheduleChange = "done" | "gone" | "running";

export function createSchedule(o: { redisUrl: string; prefix: string; config: Config }) {
  checkRedisTarget(o.redisUrl, o.prefix);
  const queue = new Queue<RequestJob>(bullQueueName("requests"), {
    connection: bullConnection(o.redisUrl, "queue"),
    prefix: o.prefix,
  });
  queue.on("error", () => undefined); // outages surface as rejected calls; the connection retries
  const redis = producerConnection(o.redisUrl);
  const delayedKey = `${o.prefix}:${bullQueueName("requests")}:delayed`;

  /** The due time BullMQ keeps in the delayed set's score (ms × 4096 + a tie-breaker). */
  async function dueAt(jobId: string): Promise<number | undefined> {
    const score = await redis.zscore(delayedKey, jobId);
    return score === null ? undefined : Math.floor(Number(score) / 0x1000);
  }

  async function waiting(approvalId: string): Promise<Job<RequestJob> | undefined | "running"> {
    const job = await queue.getJob(jobIdFor(approvalId));
    if (!job || job.name !== SCHEDULED_JOB) return undefined;
    const state = await job.getState();
    if (state === "delayed") return job;
    return state === "completed" || state === "failed" || state === "unknown" ? undefined : "running";
  }

  async function change(approvalId: string, act: (job: Job<RequestJob>) => Promise<unknown>) {
    const job = await waiting(approvalId);
    if (!job) return "gone";
    if (job === "running") return "running";
    try {
      await act(job);
      return "done";
    } catch (err) {
      // An engine took it between our look and the change: it is being published.
      const now = await waiting(approvalId);
      if (now === "running" || now === undefined) return now === "running" ? "running" : "gone";
      throw err;
    }
  }

  return {
    /**
     * Adds the delayed job for `request` (its requestId is the approval's id), due at `at`. A second
     * call for the same approval changes nothing and says when the first one is due.
     */
    async schedule(input: RequestInput, at: number): Promise<{ created: boolean; at: number }> {
      const data = requestJobSchema.parse(input);
      const jobId = jobIdFor(data.requestId);
      const earlier = await queue.getJob(jobId);
      const now = Date.now();
      if (earlier) return { created: false, at: (await dueAt(jobId)) ?? earlier.timestamp + earlier.delay };
      // Two racing calls may both get here: BullMQ keeps the first job of an id, so there is one.
      await queue.add(SCHEDULED_JOB, data, {
        jobId,
        // One clock reading for both, so the due time is exactly `at`.
        timestamp: now,
        delay: Math.max(1, at - now),
        priority: 1,
        attempts: o.config.engine.attempts,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: {
          age: o.config.limits.keepCompleted.ageS,
          count: o.config.limits.keepCompleted.count,
        },
        removeOnFail: { age: o.config.limits.keepFailed.ageS, count: o.config.limits.keepFailed.count },
      });
      return { created: true, at: (await dueAt(jobId)) ?? at };
    },

    /** The scheduled post for an approval while it waits. */
    async get(approvalId: string): Promise<ScheduledJob | undefined> {
      const job = await waiting(approvalId);
      if (!job || job === "running") return undefined;
      const at = await dueAt(job.id ?? "");
      return at === undefined ? undefined : { approvalId, at, request: job.data };
    },

    /** Every post waiting for its time (of one server or workspace when `scopeId` is given), soonest first. */
    async list(scopeId?: string): Promise<ScheduledJob[]> {
      const jobs = await queue.getDelayed(0, -1);
      const out: ScheduledJob[] = [];
      for (const job of jobs) {
        if (job.name !== SCHEDULED_JOB || (scopeId && job.data.scope.id !== scopeId)) continue;
        const at = await dueAt(job.id ?? "");
        if (at !== undefined) out.push({ approvalId: requestIdFor(job.id ?? ""), at, request: job.data });
      }
      return out.sort((a, b) => a.at - b.at);
    },

    /** Moves a waiting post to `at`. */
    reschedule: (approvalId: string, at: number): Promise<ScheduleChange> =>
      change(approvalId, (job) => job.changeDelay(Math.max(1, at - Date.now()))),

    /** Removes a waiting post; nothing is published. */
    cancel: (approvalId: string): Promise<ScheduleChange> => change(approvalId, (job) => job.remove()),

    /** Makes a waiting post due now: the same job publishes it, once, and no delayed job is left. */
    publishNow: (approvalId: string): Promise<ScheduleChange> => change(approvalId, (job) => job.promote()),

    async close(): Promise<void> {
      await queue.close();
      redis.disconnect();
    },
  };
}

export type Schedule = ReturnType<typeof createSchedule>;
