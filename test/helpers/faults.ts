/**
 * One-shot (or n-shot) faults for a stand-in: "refuse the next `times` requests that match".
 * A test sets a rule; the stand-in asks `take` for each request it receives and refuses it when a
 * rule claims it. Each rule keeps the requests it refused, so a test can count the attempts.
 */
export interface Fault<R> {
  /** Which requests it refuses. */
  when(r: R): boolean;
  /** How many it refuses before it lets them through. */
  times: number;
  /** The requests it refused, in order. */
  refused: R[];
}

export function faultRules<R>() {
  const rules: Fault<R>[] = [];
  return {
    /** Refuses the next `times` requests matching `when` (once by default). */
    add(when: (r: R) => boolean, times = 1): Fault<R> {
      const fault: Fault<R> = { when, times, refused: [] };
      rules.push(fault);
      return fault;
    },
    /** The rule refusing this request, if one does (and counts it). */
    take(r: R): Fault<R> | undefined {
      const fault = rules.find((f) => f.refused.length < f.times && f.when(r));
      fault?.refused.push(r);
      return fault;
    },
  };
}
