/** What bench:soak keeps about each request it sends, and how it judges what came back. */

type Platform = "discord" | "slack" | "web";

export interface Tracked {
  platform: Platform;
  /** mention, describe, post, autocaption… and "bad" for a bad input. */
  kind: string;
  key: string;
  sentAt: number;
  /** How long the platform's acknowledgement took (Discord's callback, Slack's HTTP 200). */
  ackMs?: number;
  bad: boolean;
}

/** What a request came to, read off the stand-in or the event stream. */
export interface Outcome {
  /** A final answer or refusal is there (no Stop button, no progress line left). */
  done: boolean;
  /** The texts of the final messages it got (their number says whether it came twice). */
  answers: string[];
}

/** Words an answer must never hold: an error id means the bot hid a failure behind a code. */
const ERROR_ID = /error id|\bstack\b|at [\w.]+ \(/i;

/** One sentence, as refusals are: a bad input's answer is checked against it. */
function isOneClearSentence(text: string): boolean {
  const plain = text.replace(/^⚠️\s*/, "").trim();
  return plain.length > 0 && plain.length < 300 && !ERROR_ID.test(plain);
}

export interface Verdict {
  sent: number;
  answered: number;
  unanswered: Tracked[];
  twice: Tracked[];
  withErrorIds: Tracked[];
  badAnsweredAsPhoto: Tracked[];
}

/** Every request answered exactly once, bad inputs refused in one sentence, no error ids. */
export function judge(all: Tracked[], outcome: (t: Tracked) => Outcome): Verdict {
  const v: Verdict = {
    sent: all.length,
    answered: 0,
    unanswered: [],
    twice: [],
    withErrorIds: [],
    badAnsweredAsPhoto: [],
  };
  for (const t of all) {
    const o = outcome(t);
    if (!o.done || o.answers.length === 0) {
      v.unanswered.push(t);
      continue;
    }
    v.answered++;
    if (new Set(o.answers).size < o.answers.length) v.twice.push(t);
    if (o.answers.some((a) => ERROR_ID.test(a))) v.withErrorIds.push(t);
    if (t.bad && !o.answers.every(isOneClearSentence)) v.badAnsweredAsPhoto.push(t);
  }
  return v;
}
