import type { DeliveryJob, DeliveryReceipt, Platform, Progress, RequestInput } from "./jobs.js";

/**
 * The port every platform adapter implements: receive events → submit requests, and
 * post deliveries back. Only the adapter knows its platform's types.
 */
export interface Adapter {
  readonly platform: Platform;
  /** Connects to the platform and starts receiving events. */
  start(): Promise<void>;
  /** Stops receiving; in-flight deliveries finish first. */
  stop(): Promise<void>;
  /** Posts one finished request back to where it came from; must not throw for user-caused failures. */
  post(delivery: DeliveryJob): Promise<Omit<DeliveryReceipt, "duplicate">>;
  /** Shows a progress stage (queue position, skill running) for a request, at most once a second. */
  showProgress?(
    request: Pick<RequestInput, "requestId" | "reply" | "scope">,
    progress: Progress,
  ): Promise<void>;
}
