import type { DeliveryJob } from "../core/jobs.js";

/** The words of an answer, platform-neutral (light Markdown); each adapter formats and splits them. */
export function deliveryText(d: DeliveryJob): string {
  // Attachments the request could not use are said even when it failed (a PDF without a photo).
  const unused = d.reply.unused ? [d.reply.unused] : [];
  if (d.status === "error")
    return [...unused, `⚠️ ${d.error?.message ?? "Something went wrong."}`].join("\n\n");
  const parts = [d.text.trim() || (d.images.length ? "Here you go." : "I have no answer for that one.")];
  // Which photo the answer is about, or how many were left out, as the adapter noted it.
  if (d.reply.note) parts.unshift(d.reply.note);
  return [...unused, ...parts, ...(d.debug ? [`Debug:\n${d.debug}`] : [])].join("\n\n");
}
