import { availableParallelism } from "node:os";

/**
 * Runs at most `limit` tasks at once; the rest wait their turn in arrival order, background
 * tasks (auto-captions' uploads) behind every waiting foreground one, so a person's question is
 * never held up by a burst of uploads that came first.
 */
export interface Gate {
  run<T>(task: () => Promise<T>, o?: { background?: boolean }): Promise<T>;
}

export function createGate(limit: number): Gate {
  let running = 0;
  const waiting = { now: [] as (() => void)[], later: [] as (() => void)[] };
  return {
    async run(task, o = {}) {
      if (running >= limit)
        await new Promise<void>((r) => (o.background ? waiting.later : waiting.now).push(r));
      else running++;
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next waiter, or give it back.
        const next = waiting.now.shift() ?? waiting.later.shift();
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
