import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Acknowledgements before intake. Discord and Slack give an event 3 s to be acknowledged, and
 * the acknowledgement is a round trip through this process's event loop. Downloading an upload
 * moves its bytes through that same loop (a 12 MP HEIC is megabytes), so intake started while a
 * burst of events still waits for its acknowledgements pushes them late. Intake therefore waits,
 * for a bounded time, until the burst has been acknowledged.
 */
export interface AckFirst {
  /** An event arrived that must be acknowledged; the returned function says it has been (once is enough). */
  begin(): () => void;
  /** Runs an event's handler; `acknowledged()` inside it (or the handler ending) lets go of the event. */
  during<T>(handler: () => T): T;
  /** Called where the event has just been acknowledged, within `during`. */
  acknowledged(): void;
  /** How many events wait for their acknowledgement. */
  pending(): number;
  /**
   * Resolves once no event waits for its acknowledgement and none came in for a short while, or
   * after `maxWaitMs`, whichever is first.
   */
  settled(maxWaitMs?: number): Promise<void>;
}

/** No platform takes an acknowledgement later than this, so an event is let go of by then whatever happens. */
const DEADLINE_MS = 3_000;
/**
 * Nothing waits longer than this: a burst of 50 events is acknowledged well within it, and in a
 * steady stream of events (a busy workspace never goes quiet for `QUIET_MS`) it is all each
 * event's work is held up by.
 */
const MAX_WAIT_MS = 300;
/**
 * A burst's events reach the loop one after another (each connection is accepted in its turn), so
 * "none waiting" right after one is acknowledged is not the end of the burst: intake also waits
 * until none has come in for this long.
 */
const QUIET_MS = 50;

export function createAckFirst(o: { quietMs?: number; deadlineMs?: number } = {}): AckFirst {
  const quietMs = o.quietMs ?? QUIET_MS;
  const deadlineMs = o.deadlineMs ?? DEADLINE_MS;
  let pending = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  const current = new AsyncLocalStorage<() => void>();
  const begin = () => {
    pending++;
    lastArrival = performance.now();
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pending--;
      // The last answer of a burst may be what those waiting wait for: look now, not on a timer.
      if (pending === 0 && waiters.length > 0) {
        clearTimeout(lookTimer);
        look();
      }
    };
    const timer = setTimeout(release, deadlineMs);
    timer.unref();
    return release;
  };
  /**
   * How long until intake may go: 0 once nothing waits and no event came in for `quietMs`;
   * unknown (Infinity) while an event waits, since its release looks again.
   */
  const wait = () =>
    pending > 0 ? Number.POSITIVE_INFINITY : Math.max(lastArrival + quietMs - performance.now(), 0);
  /**
   * Those waiting, in the order they began to: they go in that order, so a burst's events are
   * taken up in the order they came (a member's fourth request is the one past their limit).
   */
  const waiters: { until: number; resolve: () => void }[] = [];
  let lookTimer: NodeJS.Timeout | undefined;
  const look = () => {
    lookTimer = undefined;
    const ms = wait();
    const now = performance.now();
    // Everyone once the burst is over; otherwise those whose bound is up (the earliest first).
    while (waiters.length > 0 && (ms <= 0 || (waiters[0]?.until ?? 0) <= now)) waiters.shift()?.resolve();
    const next = waiters[0];
    if (next) lookTimer = setTimeout(look, Math.max(0, Math.min(ms, next.until - now)));
  };
  return {
    begin,
    during(handler) {
      const release = begin();
      try {
        const out = current.run(release, handler);
        if (out instanceof Promise) out.finally(release).catch(() => undefined);
        else release();
        return out;
      } catch (err) {
        release();
        throw err;
      }
    },
    acknowledged: () => current.getStore()?.(),
    pending: () => pending,
    settled(maxWaitMs = MAX_WAIT_MS) {
      if (wait() <= 0 && waiters.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push({ until: performance.now() + maxWaitMs, resolve });
        if (!lookTimer) look();
      });
    },
  };
}

/** This process's events: one loop acknowledges them all, whichever platform they came from. */
export const ackFirst: AckFirst = createAckFirst();
