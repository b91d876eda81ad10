import type { Queue } from "bullmq";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics for an engine: queue depth (read at scrape time), job durations and failures. */
export function createMetrics(queues: Queue[]) {
  const registry = new Registry();
  const depth = new Gauge({
    name: "llava_bot_queue_jobs",
    help: "Jobs in each queue by state",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      for (const q of queues) {
        const counts = await q.getJobCounts(
          "wait",
          "prioritized",
          "active",
          "delayed",
          "failed",
          "completed",
        );
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  const duration = new Histogram({
    name: "llava_bot_job_duration_seconds",
    help: "Time from a request being picked up to its delivery being queued",
    labelNames: ["command", "outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const failures = new Counter({
    name: "llava_bot_job_failures_total",
    help: "Requests that failed, by kind (user_error, retry, failed)",
    labelNames: ["command", "outcome"],
    registers: [registry],
  });
  return {
    registry,
    depth,
    observe(info: { command: string; ms: number; outcome: "ok" | "user_error" | "failed" | "retry" }) {
      duration.observe({ command: info.command, outcome: info.outcome }, info.ms / 1000);
      if (info.outcome !== "ok") failures.inc({ command: info.command, outcome: info.outcome });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
