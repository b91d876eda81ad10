import type { Flow } from "../flow.js";
import { scheduledCard } from "../post-card.js";
import { render, slackTime } from "./render.js";

/**
 * /scheduled's blocks for a workspace, drawn for the command and again after Publish now or
 * Cancel on the list. The card's words are escaped as text, so the date markup goes in after, in
 * place of a marker.
 */
export async function scheduledList(flow: Flow, team: string): Promise<ReturnType<typeof render>> {
  const card = scheduledCard(await flow.clicks.schedule.list(team), (at) => `⏱${at}⏱`);
  const drawn = JSON.stringify(render({ text: card.title, card }));
  const withTimes = drawn.replace(/⏱(\d+)⏱/g, (_, at: string) => slackTime(Number(at)));
  return JSON.parse(withTimes) as ReturnType<typeof render>;
}
