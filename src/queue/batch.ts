/**
 * Gathers calls into one call of `flush`, so a burst of requests costs one Redis script call
 * instead of one each:
 *
 * - `now(item)`: sent at the end of this turn of the event loop (setImmediate), once the other
 *   replies and events read in the same turn have made their calls too; a lone call waits for
 *   no timer.
 * - `later(item, withinMs)`: for writes nobody waits on; they ride along with the next `now` call,
 *   or go by themselves after `withinMs`.
 *
 * Each caller gets its own item's result; when a flush fails, every caller in it gets that error.
 */
export interface Batcher<I, O> {
  now(item: I): Promise<O>;
  later(item: I, withinMs: number): Promise<O>;
  /** Sends what is waiting now and resolves once every call made so far is answered (before closing). */
  drain(): Promise<void>;
}

export function batcher<I, O>(flush: (items: I[]) => Promise<O[]>, maxItems = 200): Batcher<I, O> {
  type Waiting = { item: I; resolve: (out: O) => void; reject: (err: unknown) => void };
  let waiting: Waiting[] = [];
  let urgent = false;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  const send = (part: Waiting[]) => {
    // Settles every caller of the part; never rejects, so drain() can wait on it.
    const answered: Promise<void> = flush(part.map((w) => w.item)).then(
      (out) => {
        for (const [i, w] of part.entries()) {
          const o = out[i];
          if (o === undefined) w.reject(new Error("batched call returned too few results"));
          else w.resolve(o);
        }
      },
      (err: unknown) => {
        for (const w of part) w.reject(err);
      },
    );
    inFlight.add(answered);
    void answered.then(() => inFlight.delete(answered));
  };
  const run = () => {
    urgent = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const all = waiting;
    waiting = [];
    // Bounded parts keep each script short, so Redis is never held long by one of them.
    for (let i = 0; i < all.length; i += maxItems) send(all.slice(i, i + maxItems));
  };
  const add = (item: I) => new Promise<O>((resolve, reject) => waiting.push({ item, resolve, reject }));

  return {
    now(item) {
      const out = add(item);
      if (!urgent) {
        urgent = true;
        setImmediate(run);
      }
      return out;
    },
    later(item, withinMs) {
      const out = add(item);
      if (!urgent && !timer) timer = setTimeout(run, withinMs);
      return out;
    },
    async drain() {
      run();
      await Promise.all([...inFlight]);
    },
  };
}
