import { describeWhen } from "../publish/when.js";
import { approvalIdFor, type Person, type StoredPost } from "../queue/posts.js";
import type { Actor, ChangeAction, PostSchedule } from "./post-schedule.js";
import { OTHER_TIME } from "./post-when.js";

/**
 * The clicks of a post card that schedule it (the Schedule… menu, its Other time… form) and those
 * that change a scheduled post (Cancel, Reschedule, Publish now on /scheduled), for post-clicks.ts.
 */

/** What these clicks read of a click (post-clicks.ts's PostClick has it). */
interface ScheduleClick {
  postId: string;
  value?: string;
  words?: string;
  user: Person;
  approver: boolean;
}

type Outcome =
  | { accepted: true; requestId: string; command: "schedule"; note: string }
  | { accepted: false; message: string };

const refused = (message: string): Outcome => ({ accepted: false, message });

/** Said where a form's time arrives empty (or a client sent Other time… without one). */
const TYPE_A_TIME = 'Type a time, e.g. "tomorrow 9am" or "next friday 17:30".';

/** The buttons that change a scheduled post, by what they do to it. */
export const SCHEDULE_CHANGES = new Map<string, ChangeAction>([
  ["unschedule", "cancel"],
  ["reschedule", "reschedule"],
  ["publish-now", "publish-now"],
]);

export function createScheduleClicks(schedule: PostSchedule, time?: (at: number) => string) {
  const actor = (click: ScheduleClick): Actor => ({ user: click.user, approver: click.approver });

  /** "<Done>: caption n goes out <when>.", the time in the platform's markup. */
  function goesOut(done: string, variant: number, at: number, zone: string): string {
    return `${done}: caption ${variant + 1} goes out ${time?.(at) ?? describeWhen(at, zone)}.`;
  }

  return {
    /**
     * A "Schedule…" menu choice: `<caption>-<unix seconds>`, the instant the menu showed, or
     * `<caption>-other` with the words typed in the form it opened.
     */
    async scheduleAt(click: ScheduleClick): Promise<Outcome> {
      const m = new RegExp(`^(\\d)-(\\d{9,11}|${OTHER_TIME})$`).exec(click.value ?? "");
      if (!m) return refused("That choice is not on the menu.");
      const typed = m[2] === OTHER_TIME;
      if (typed && !click.words?.trim()) return refused(TYPE_A_TIME);
      const variant = Number(m[1]) - 1;
      const when = typed ? (click.words ?? "") : Number(m[2]) * 1000;
      const out = await schedule.schedule(click.postId, variant, when, actor(click));
      if (!out.accepted) return refused(out.message);
      const done = goesOut(out.duplicate ? "Already scheduled" : "Scheduled", variant, out.at, out.zone);
      const whose = out.readFor
        ? ` "${(click.words ?? "").trim().slice(0, 80)}" was read in ${out.zone}, the time zone of ${out.readFor.name ?? "the person who asked for the post"}.`
        : "";
      return { accepted: true, requestId: out.approvalId, command: "schedule", note: `${done}${whose}` };
    },

    /**
     * Cancel, Publish now or Reschedule (to the words typed in its form) on a scheduled post (from
     * /scheduled), by its scheduler or an approver.
     */
    async change(post: StoredPost, click: ScheduleClick, action: ChangeAction): Promise<Outcome> {
      const approval = post.approval;
      if (approval?.status !== "scheduled")
        return refused("That post is not scheduled any more (published or cancelled).");
      const approvalId = approvalIdFor(click.postId, approval.variant);
      if (action === "reschedule" && !click.words?.trim()) return refused(TYPE_A_TIME);
      const out = await schedule.change(approvalId, action, actor(click), click.words);
      if (!out.done) return refused(out.message);
      const note =
        out.at !== undefined && out.zone
          ? goesOut("Rescheduled", approval.variant, out.at, out.zone)
          : out.message;
      return { accepted: true, requestId: approvalId, command: "schedule", note };
    },
  };
}
