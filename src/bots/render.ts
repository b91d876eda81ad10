import type { DeliveryJob } from "../core/jobs.js";

/** The words of an answer, platform-neutral (light Markdown); each adapter formats and splits them. */
export function deliveryText(d: DeliveryJob): string {
  if (d.status === "error") return `⚠️ ${d.error?.message ?? "Something went wrong."}`;
  const parts = [d.text.trim() || (d.images.length ? "Here you go." : "I have no answer for that one.")];
  // Which photo the answer is about, or how many were left out, as the adapter noted it.
  if (d.reply.note) parts.unshift(d.reply.note);
  if (d.debug) parts.push(`Debug:\n${d.debug}`);
  return parts.join("\n\n");
}
