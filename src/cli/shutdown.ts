import { logger } from "../log.js";

/**
 * A repeat of the first signal within this is the same stop: under bin/relaunch.js a terminal's
 * Ctrl-C arrives twice, directly and forwarded by the launcher.
 */
const SAME_STOP_MS = 500;

/**
 * Resolves on Ctrl-C or SIGTERM. Call it before starting anything, so a stop during start-up still
 * cleans up; a second Ctrl-C quits at once, should a clean stop take too long.
 */
export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const first = () => {
      const at = Date.now();
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const again = (code: number) => () => {
        if (Date.now() - at >= SAME_STOP_MS) process.exit(code);
      };
      process.on("SIGINT", again(130));
      process.on("SIGTERM", again(143));
      resolve();
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}

/** A deadline under this leaves no time to close connections at all. */
const MIN_GRACE_MS = 1000;
/** Of the grace period, what closing connections and child processes may need after running work stops. */
const CLOSING_MS = 2000;

type Step = { name: string; stop: (workMs: number) => Promise<unknown> };

/**
 * What a command started, stopped newest first within one deadline (engine.shutdownGraceMs), so
 * Ctrl-C or SIGTERM ends the process in that time whatever a step waits on. Steps that wait on
 * running work (the engine worker's jobs) are given `workMs`: the time left, less a reserve for
 * the steps after them. Should a step still be stuck at the deadline, the process says which one
 * and exits with code 1 rather than leave an operator (or a supervisor's SIGKILL) waiting.
 */
export function shutdownSteps() {
  const steps: Step[] = [];
  return {
    add(name: string, stop: Step["stop"]): void {
      steps.push({ name, stop });
    },
    async stopAll(graceMs: number): Promise<void> {
      const grace = Math.max(graceMs, MIN_GRACE_MS);
      const deadline = Date.now() + grace;
      const reserve = Math.min(CLOSING_MS, grace / 4);
      let current = "";
      const watchdog = setTimeout(() => {
        process.stderr.write(
          `llava-bot: ${current} did not stop within engine.shutdownGraceMs (${grace} ms); quitting now.\n`,
        );
        process.exit(1);
      }, grace);
      try {
        for (const step of steps.splice(0).reverse()) {
          current = step.name;
          await step
            .stop(Math.max(0, deadline - reserve - Date.now()))
            .catch((err: unknown) => logger().warn({ err, step: step.name }, "shutdown step failed"));
        }
      } finally {
        clearTimeout(watchdog);
      }
    },
  };
}
