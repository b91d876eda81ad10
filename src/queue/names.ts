import type { DeliveryQueueName } from "./jobs.js";

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
