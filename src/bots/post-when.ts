/**
 * A time typed in words: "Other time…" on a card's Schedule… menu and Reschedule on /scheduled
 * open a form with one text box (a Discord modal, a Slack view). What is typed comes back as the
 * same click carrying the words, which post-schedule reads in the person's zone; the form itself
 * asks nothing of Redis, so it opens within the platform's 3 s.
 */

/** The Schedule… menu's value for "Other time…" on caption n is `<n>-other`. */
export const OTHER_TIME = "other";
/** The form's one text box. */
export const WHEN_INPUT = "when";
/** Its label: both Discord's and Slack's hold 45 characters at most. */
export const WHEN_LABEL = "When? e.g. tomorrow 9am, next friday 17:30";

/** What a form is for: caption `caption` (1-based) of a post, or, without one, moving its scheduled approval. */
export interface TimeAsk {
  postId: string;
  caption?: number;
}

/** The form a click opens, if it opens one: Other time… or Reschedule. */
export function timeAsked(click: { postId: string; action: string; value?: string }): TimeAsk | undefined {
  if (click.action === "reschedule") return { postId: click.postId };
  const m = click.action === "schedule" ? new RegExp(`^(\\d)-${OTHER_TIME}$`).exec(click.value ?? "") : null;
  return m ? { postId: click.postId, caption: Number(m[1]) } : undefined;
}

/** The form's title and submit label (Slack's title holds 24 characters). */
export function timeForm(ask: TimeAsk): { title: string; submit: string } {
  return ask.caption === undefined
    ? { title: "Reschedule", submit: "Reschedule" }
    : { title: `Schedule caption ${ask.caption}`, submit: "Schedule" };
}

const FORM_ID = /^when:(\d|r):(.+)$/;

/** The ask as one string the platform hands back with the typed words (custom_id, private_metadata). */
export const timeFormId = (ask: TimeAsk): string => `when:${ask.caption ?? "r"}:${ask.postId}`;

export function parseTimeFormId(id: string): TimeAsk | undefined {
  const m = FORM_ID.exec(id);
  if (!m?.[2]) return undefined;
  return m[1] === "r" ? { postId: m[2] } : { postId: m[2], caption: Number(m[1]) };
}

/** The click the typed words make: the menu's Other time… or the Reschedule button, with the words. */
export function typedClick(ask: TimeAsk, words: string) {
  return ask.caption === undefined
    ? { postId: ask.postId, action: "reschedule", words }
    : { postId: ask.postId, action: "schedule", value: `${ask.caption}-${OTHER_TIME}`, words };
}
