import type { types } from "@slack/bolt";
import { parseTimeFormId, type TimeAsk, timeForm, timeFormId, WHEN_INPUT, WHEN_LABEL } from "../post-when.js";

/** The callback_id of the modal that Other time… and Reschedule open. */
export const TIME_VIEW = "post_time";

/** Where the modal was opened from: its answer (the note) goes there, for the person's eyes. */
export interface TimeFormPlace {
  channel: string;
  /** The clicked message's ts. */
  message?: string;
  thread?: string;
  /** /scheduled's response_url, when opened from that (ephemeral) list: drawn again after. */
  list?: string;
}

/** The modal: one text box; private_metadata carries the post, the caption and the place. */
export function timeView(ask: TimeAsk, place: TimeFormPlace): types.ModalView {
  const form = timeForm(ask);
  return {
    type: "modal",
    callback_id: TIME_VIEW,
    title: { type: "plain_text", text: form.title },
    submit: { type: "plain_text", text: form.submit },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: JSON.stringify({ form: timeFormId(ask), ...place }),
    blocks: [
      {
        type: "input",
        block_id: WHEN_INPUT,
        label: { type: "plain_text", text: WHEN_LABEL },
        element: {
          type: "plain_text_input",
          action_id: WHEN_INPUT,
          max_length: 100,
          placeholder: { type: "plain_text", text: "tomorrow 9am" },
        },
      },
    ],
  };
}

interface SubmittedView {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { value?: string | null }>> };
}

/** What a submitted modal says: the ask, the place and the words typed; undefined if it is not ours. */
export function readTimeView(
  view: SubmittedView,
): { ask: TimeAsk; place: TimeFormPlace; words: string } | undefined {
  let meta: Partial<TimeFormPlace> & { form?: unknown };
  try {
    meta = JSON.parse(view.private_metadata ?? "") as typeof meta;
  } catch {
    return undefined;
  }
  const ask = parseTimeFormId(String(meta.form ?? ""));
  if (!ask || typeof meta.channel !== "string") return undefined;
  const place: TimeFormPlace = {
    channel: meta.channel,
    ...(typeof meta.message === "string" ? { message: meta.message } : {}),
    ...(typeof meta.thread === "string" ? { thread: meta.thread } : {}),
    ...(typeof meta.list === "string" ? { list: meta.list } : {}),
  };
  return { ask, place, words: view.state?.values?.[WHEN_INPUT]?.[WHEN_INPUT]?.value ?? "" };
}
