import { Queue } from "bullmq";
import {
  type DeliveryBody,
  type DeliveryQueueName,
  deliveryFor,
  deliveryJobOptions,
  deliveryQueueName,
  type JobRetention,
  type RequestJob,
} from "../core/jobs.js";
import { bullConnection } from "../queue/connection.js";
import { bullQueueName, jobIdFor } from "../queue/names.js";

/**
 * Where an engine puts its answers: one deliveries:<platform> queue per platform, opened on first
 * use. A delivery's job id is its request's, so a request re-run after a crash cannot enqueue a
 * second answer.
 */
export function createOutbox(redisUrl: string, prefix: string, keep: JobRetention) {
  const queues = new Map<DeliveryQueueName, Queue>();
  const options = deliveryJobOptions(keep);

  function queue(platform: RequestJob["platform"]): Queue {
    const name = deliveryQueueName(platform);
    let q = queues.get(name);
    if (!q) {
      q = new Queue(bullQueueName(name), { connection: bullConnection(redisUrl, "worker"), prefix });
      q.on("error", () => undefined); // reconnects by itself; a failed add fails the job, which retries
      queues.set(name, q);
    }
    return q;
  }

  return {
    async deliver(request: RequestJob, body: DeliveryBody): Promise<void> {
      await queue(request.platform).add("delivery", deliveryFor(request, body), {
        jobId: jobIdFor(request.requestId),
        ...options,
      });
    },
    /** Whether the request's answer is already on its way (a re-run after a crash). */
    async has(request: RequestJob): Promise<boolean> {
      return (await queue(request.platform).getJob(jobIdFor(request.requestId))) !== undefined;
    },
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
