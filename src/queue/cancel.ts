import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  type DeliveryBody,
  deliveryFor,
  deliveryJobOptions,
  deliveryQueueName,
  type JobRetention,
  type RequestJob,
} from "../core/jobs.js";
import { bullConnection, workerConnection } from "./connection.js";
import { bullQueueName, jobIdFor } from "./names.js";

/**
 * Stopping a request. A request still waiting in the queue is removed and answered "Stopped."
 * at once; a running one is aborted by the engine that runs it, told over a pub/sub channel
 * (every engine hears it; only the one running the request acts), and answers with what it had
 * written so far. Either way the answer still arrives once, through the deliveries queue.
 */
export const STOPPED = "Stopped.";

function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

/** What a stopped request answers: whatever was written before the stop, then "Stopped." */
export function stoppedBody(soFar = ""): DeliveryBody {
  return { status: "ok", text: soFar.trim() ? `${soFar.trim()}\n\n${STOPPED}` : STOPPED, images: [] };
}

export type CancelOutcome = "removed" | "signalled" | "finished" | "unknown";

export async function cancelRequest(
  options: { redisUrl: string; prefix: string; redis: Redis; keep: JobRetention },
  requestId: string,
): Promise<CancelOutcome> {
  const connection = bullConnection(options.redisUrl, "queue");
  const requests = new Queue<RequestJob>(bullQueueName("requests"), { connection, prefix: options.prefix });
  try {
    const job = await requests.getJob(jobIdFor(requestId));
    if (!job) return "unknown";
    const state = await job.getState();
    if (state === "completed" || state === "failed") return "finished";
    if (
      state === "waiting" ||
      state === "delayed" ||
      state === "prioritized" ||
      state === "waiting-children"
    ) {
      const removed = await job.remove().then(
        () => true,
        () => false, // an engine took it meanwhile: signal it instead
      );
      if (removed) {
        const deliveries = new Queue(bullQueueName(deliveryQueueName(job.data.platform)), {
          connection,
          prefix: options.prefix,
        });
        try {
          await deliveries.add("delivery", deliveryFor(job.data, stoppedBody()), {
            jobId: jobIdFor(requestId),
            ...deliveryJobOptions(options.keep),
          });
        } finally {
          await deliveries.close();
        }
        return "removed";
      }
    }
    await options.redis.publish(cancelChannel(options.prefix), requestId);
    return "signalled";
  } finally {
    await requests.close();
  }
}

/** Hears stop requests for running jobs; `onCancel` aborts the one this engine runs, if any. */
export function subscribeCancels(
  options: { redisUrl: string; prefix: string },
  onCancel: (requestId: string) => void,
): { close(): void } {
  const sub = workerConnection(options.redisUrl);
  const channel = cancelChannel(options.prefix);
  void sub.subscribe(channel).catch(() => undefined);
  sub.on("message", (ch: string, message: string) => {
    if (ch === channel) onCancel(message);
  });
  return { close: () => sub.disconnect() };
}
