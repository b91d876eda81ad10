import type { WebClient } from "@slack/web-api";
import { fileDetails, imageFiles, type SlackFile } from "./files.js";

/**
 * The newest image `user` shared in the channel, before `beforeTs` and at most `withinS` seconds
 * before it when those are given: slash commands carry no file, and a mention without one is
 * often the question about the photo just posted.
 */
export async function latestImage(
  client: WebClient,
  o: { channel: string; user: string; beforeTs?: string; withinS?: number },
): Promise<{ file: SlackFile; ts: string } | undefined> {
  const before = o.beforeTs ? Number(o.beforeTs) : Number.POSITIVE_INFINITY;
  const history = await client.conversations.history({
    channel: o.channel,
    limit: 50,
    ...(o.beforeTs ? { latest: o.beforeTs } : {}),
    ...(o.beforeTs && o.withinS ? { oldest: String(before - o.withinS) } : {}),
  });
  for (const msg of (history.messages ?? []) as { user?: string; ts?: string; files?: SlackFile[] }[]) {
    if (msg.user !== o.user || !msg.ts || Number(msg.ts) >= before) continue;
    if (o.withinS !== undefined && before - Number(msg.ts) > o.withinS) continue;
    const file = imageFiles(await fileDetails(client, msg.files))[0];
    if (file) return { file, ts: msg.ts };
  }
  return undefined;
}
