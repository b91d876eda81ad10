import type { DeliveryQueueName } from "../core/jobs.js";

/**
 * BullMQ forbids ':' in queue names and custom job ids, which our typed names and request ids
 * use. These map them to safe forms and back, in one place.
 */
export function bullQueueName(name: "requests" | DeliveryQueueName): string {
  return name.replace(/:/g, "-");
}

export function jobIdFor(requestId: string): string {
  return requestId.replace(/%/g, "%25").replace(/:/g, "%3A");
}

export function requestIdFor(jobId: string): string {
  return jobId.replace(/%3A/g, ":").replace(/%25/g, "%");
}

/** The Redis hash BullMQ keeps a job in: `<prefix>:<queue>:<job id>`. */
export function jobKey(prefix: string, name: "requests" | DeliveryQueueName, jobId: string): string {
  return `${prefix}:${bullQueueName(name)}:${jobId}`;
}

/** The delivery worker's claim on posting a request's answer: a lease while posting, then "done". */
export function deliveredKey(prefix: string, platform: string, requestId: string): string {
  return `${prefix}:delivered:${platform}:${requestId}`;
}

/** The mark that makes a racing copy of an event a duplicate until its job exists. */
export function seenKey(prefix: string, requestId: string): string {
  return `${prefix}:seen:${requestId}`;
}

/**
 * BullMQ scores a prioritized job `priority × 2³² + counter`; jobs scored at or under this bound
 * are ahead of a new job of the given priority.
 */
export function priorityScoreBound(priority: number): number {
  return (priority + 1) * 0x100000000 - 1;
}
