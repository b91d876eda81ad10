/**
 * Event handlers still at work. Their events were acknowledged, so the platform will not send
 * them again: a stop that closed Redis under them would lose those requests without a word. An
 * adapter's close stops taking events, then waits (for a bounded time) for these to finish.
 */

/** How long a stop waits for handlers when the caller does not say. */
export const DRAIN_MS = 10_000;

export interface InFlight {
  /** Counts `work` as running until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  size(): number;
  /** Resolves once nothing runs, or after `ms`; with how many were still running. */
  drain(ms: number): Promise<number>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      running.add(work);
      const done = () => void running.delete(work);
      work.then(done, done);
      return work;
    },
    size: () => running.size,
    async drain(ms) {
      const until = Date.now() + ms;
      // Work started by work being drained (a retry, a follow-up) is waited for too.
      while (running.size > 0 && Date.now() < until) {
        let timer: NodeJS.Timeout | undefined;
        const timeUp = new Promise((r) => {
          timer = setTimeout(r, until - Date.now());
        });
        await Promise.race([Promise.allSettled([...running]), timeUp]);
        clearTimeout(timer);
      }
      return running.size;
    },
  };
}
