/**
 * One-shot (or n-shot) faults for a stand-in: "refuse the next `times` requests that match".
 * A test sets a rule; the stand-in asks `take` for each request it receives and refuses it, with
 * the rule's `answer`, when a rule claims it. Each rule keeps the requests it refused, so a test
 * can count the attempts.
 */
export interface Fault<R, A = undefined> {
  /** Which requests it refuses. */
  when(r: R): boolean;
  /** How many it refuses before it lets them through. */
  times: number;
  /** How the stand-in answers them (its status and error), where that varies. */
  answer: A;
  /** The requests it refused, in order. */
  refused: R[];
}

export function faultRules<R, A = undefined>() {
  const rules: Fault<R, A>[] = [];
  return {
    /** Refuses the next `times` requests matching `when`, answering `answer`. */
    add(when: (r: R) => boolean, times: number, answer: A): Fault<R, A> {
      const fault: Fault<R, A> = { when, times, answer, refused: [] };
      rules.push(fault);
      return fault;
    },
    /** The rule refusing this request, if one does (and counts it). */
    take(r: R): Fault<R, A> | undefined {
      const fault = rules.find((f) => f.refused.length < f.times && f.when(r));
      fault?.refused.push(r);
      return fault;
    },
  };
}
