import { availableParallelism } from "node:os";

/** Runs at most `limit` tasks at once; the rest wait their turn in arrival order. */
export interface Gate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createGate(limit: number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running >= limit) await new Promise<void>((r) => waiting.push(r));
      else running++;
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next waiter, or give it back.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}

/**
 * Decoding and re-encoding uploads is CPU work on sharp's threads. Under a burst, unbounded
 * decoding takes every core and the event loop that acknowledges the next events
 * waits its turn for CPU; keeping one core free for it keeps acks fast.
 */
export const intakeGate: Gate = createGate(Math.max(1, availableParallelism() - 1));
