import type { Config } from "../config/schema.js";
import type { JobRetention } from "../core/jobs.js";

/** How long finished requests and deliveries stay in Redis, as configured. */
export function jobRetention(config: Config): JobRetention {
  return { completed: config.limits.keepCompleted, failed: config.limits.keepFailed };
}
