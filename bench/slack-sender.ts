/**
 * Slack's side of bench:ack, in a process of its own as Slack is on machines of its own: it posts
 * a round's signed events at once and times each until its HTTP answer. Sent from the bot's own
 * process, the sender's work would run on the event loop whose acknowledgements are measured.
 * Forked by ack-rounds.ts; talks over the IPC channel.
 */

import { request } from "node:http";

export interface SenderRequest {
  url: string;
  events: { id: string; body: string; headers: Record<string, string> }[];
}
export interface SenderReply {
  results: { id: string; status: number; ms: number }[];
}

/**
 * Each event on a connection of its own, in every round alike: a round that found the last
 * round's connections still open would skip the connection set-up that another round pays for.
 */
function send(url: string, e: SenderRequest["events"][number]) {
  const t0 = performance.now();
  return new Promise<SenderReply["results"][number]>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: e.headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ id: e.id, status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on("error", reject);
    req.end(e.body);
  });
}

process.on("message", (m: SenderRequest) => {
  void Promise.all(m.events.map((e) => send(m.url, e))).then(
    (results) => process.send?.({ results } satisfies SenderReply),
    (err: Error) => {
      console.error(err);
      process.exit(1);
    },
  );
});
