import type { DeliveryJob } from "../core/jobs.js";

/** The words of an answer, platform-neutral (light Markdown); each adapter formats and splits them. */
export function deliveryText(d: DeliveryJob): string {
  if (d.status === "error") return `⚠️ ${d.error?.message ?? "Something went wrong."}`;
  const parts = [d.text.trim() || (d.images.length ? "Here you go." : "I have no answer for that one.")];
  if (d.debug) parts.push(`Debug:\n${d.debug}`);
  return parts.join("\n\n");
}
