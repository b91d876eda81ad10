import { QueueEvents } from "bullmq";
import { type Progress, progressSchema } from "../core/jobs.js";
import { bullConnection } from "./connection.js";
import { bullQueueName, requestIdFor } from "./names.js";

/** Progress stages of requests as engines report them, so adapters can edit their "working on it" message. */
export function subscribeProgress(
  options: { redisUrl: string; prefix: string },
  onProgress: (requestId: string, progress: Progress) => void,
): { events: QueueEvents; close(): Promise<void> } {
  const events = new QueueEvents(bullQueueName("requests"), {
    connection: bullConnection(options.redisUrl, "worker"),
    prefix: options.prefix,
  });
  events.on("error", () => undefined); // reconnects by itself
  events.on("progress", ({ jobId, data }) => {
    const parsed = progressSchema.safeParse(data);
    if (parsed.success) onProgress(requestIdFor(jobId), parsed.data);
  });
  return { events, close: () => events.close() };
}
