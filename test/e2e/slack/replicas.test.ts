import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { buttonClick, mentionEvent, slackFile, slashCommand } from "./harness.js";
import { type SlackReplicas, startSlackReplicas } from "./replicas.js";

/**
 * Two Slack adapter replicas (real Bolt apps on two ports, one signing secret, one Redis): what
 * one replica starts, the other can finish, because the conversation's state is in Redis.
 */
let t: SlackReplicas;
let b: Awaited<ReturnType<SlackReplicas["inProcess"]>>;

beforeAll(async () => {
  t = await startSlackReplicas({
    prefix: uniquePrefix("slack-replicas"),
    files: { FRED: await colourPhoto("red"), FBLUE: await colourPhoto("blue") },
  });
  b = await t.inProcess(); // replica B, in this process for every test
}, 60_000);

afterAll(() => t?.close());

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`);
/** Messages the bot created in a channel (chat.postMessage calls Slack accepted). */
const postsIn = (channel: string) =>
  t.api.called("chat.postMessage").filter((c) => c.args.channel === channel && !c.refused);
const updatesOf = (ts: string) => t.api.called("chat.update").filter((c) => c.args.ts === ts && !c.refused);
const placeholderIn = (channel: string) =>
  [...t.api.posted.values()].find((m) => m.channel === channel && Array.isArray(m.blocks));
const hasStop = (blocks: unknown) => JSON.stringify(blocks ?? []).includes(`"action_id":"stop"`);
const whispersTo = (user: string, channel: string) =>
  t.api.called("chat.postEphemeral").filter((c) => c.args.user === user && c.args.channel === channel);

/** Sends a mention with a blue photo to a replica and returns its placeholder's ts once it has words. */
async function askThrough(
  replica: { send(payload: unknown): Promise<unknown> },
  o: { event: string; channel: string; ts: string; firstWord: string },
): Promise<string> {
  await replica.send(mentionEvent(o.event, o.channel, o.ts, [slackFile(t.api.url, "FBLUE", "b.png")]));
  await waitFor(() => Boolean(placeholderIn(o.channel)), 20_000, "the placeholder");
  const ts = placeholderIn(o.channel)?.ts ?? "";
  await waitFor(
    () => updatesOf(ts).some((c) => String(c.args.text).startsWith(o.firstWord)),
    20_000,
    "the first words",
  );
  return ts;
}

const stopClick = (user: string, channel: string, ts: string, thread: string, requestId: string) =>
  buttonClick({ user, channel, messageTs: ts, threadTs: thread, actionId: "stop", value: requestId });

/**
 * The asker's Stop through the replica that was asked, unless the answer is stopped already: so
 * the next test's request never waits behind this one's long answer, pass or fail.
 */
async function stopWhereAsked(
  a: { send(payload: unknown, opts: { form: true }): Promise<unknown> },
  paced: { aborts: number },
  click: unknown,
) {
  if (paced.aborts) return;
  await a.send(click, { form: true });
  await waitFor(() => paced.aborts > 0, 20_000, "the asker's own stop").catch(() => undefined);
}

/**
 * Once A has drawn the first words into its placeholder `ts`, A leaves (`leave`: closed, or
 * killed); then the whole answer is drawn there exactly once, after A was gone (so by B), and
 * no Stop is left on it. `lead`: what the answer opens with (a slash command's "which photo" line).
 */
async function leaveMidAnswer(
  ts: string,
  all: string[],
  first: string,
  leave: () => Promise<void>,
  lead = "",
) {
  await waitFor(
    () =>
      updatesOf(ts).some((c) => String(c.args.text).startsWith(first) && String(c.args.text).endsWith("▌")),
    30_000,
    "A drawing the first words",
  );
  await leave();
  const leftAt = Date.now();
  const final = lead + all.join(" ");
  await waitFor(() => t.api.posted.get(ts)?.text === final, 30_000, "the answer");
  await new Promise((r) => setTimeout(r, 1500)); // room for a second copy, were one coming
  const finals = updatesOf(ts).filter((c) => c.args.text === final);
  expect(finals).toHaveLength(1);
  expect(finals[0]?.at).toBeGreaterThanOrEqual(leftAt);
  expect(t.api.posted.get(ts)?.blocks).toEqual([]);
}

describe("two Slack replicas on one Redis", () => {
  it("a slash command received by A, whose delivery B takes (A has left), is answered in the reply it opened", async () => {
    const a = await t.inProcess();
    const all = words(40, "a");
    t.engine.use(pacedModel(all, 100));
    t.api.history.set("CR1", [
      { user: "U1", ts: String(Date.now() / 1000 - 30), files: [slackFile(t.api.url, "FRED", "red.png")] },
    ]);
    const cmd = slashCommand({
      command: "/describe",
      user: "U1",
      channel: "CR1",
      trigger: "trig-r1",
      standIn: t.api.url,
    });
    expect((await a.send(cmd, { form: true })).status).toBe(200);
    await waitFor(() => Boolean(placeholderIn("CR1")), 20_000, "A's placeholder");
    const ts = placeholderIn("CR1")?.ts ?? "";
    expect(hasStop(placeholderIn("CR1")?.blocks)).toBe(true);
    await leaveMidAnswer(ts, all, "a1", () => a.close(), "/describe on *red.png* (just now):\n\n");
    // The reply the command opened is the answer; nothing else was said, here or by response_url.
    expect(postsIn("CR1")).toHaveLength(1);
    expect(t.api.responses.filter((r) => r.path.endsWith("/trig-r1"))).toHaveLength(0);
  });

  it("someone else's Stop on what A placed is refused through either replica", async () => {
    const a = await t.inProcess();
    const paced = t.engine.use(pacedModel(words(150, "r"), 100));
    const thread = "1700000202.000100";
    const ts = await askThrough(a, { event: "EvRefuse", channel: "CR2", ts: thread, firstWord: "r1" });
    try {
      const click = stopClick("U2", "CR2", ts, thread, "slack:EvRefuse");
      expect((await b.send(click, { form: true })).status).toBe(200);
      await waitFor(() => whispersTo("U2", "CR2").length === 1, 5000, "B's answer to U2");
      expect((await a.send(click, { form: true })).status).toBe(200);
      await waitFor(() => whispersTo("U2", "CR2").length === 2, 5000, "A's answer to U2");
      for (const w of whispersTo("U2", "CR2")) {
        expect(w.args.text).toBe("Only the person who asked can stop this.");
        expect(w.args.thread_ts).toBe(thread);
      }
      expect(paced.aborts).toBe(0);
    } finally {
      await stopWhereAsked(a, paced, stopClick("U1", "CR2", ts, thread, "slack:EvRefuse"));
      await a.close();
    }
  });

  it("the asker's Stop through B stops what A placed", async () => {
    const a = await t.inProcess();
    const paced = t.engine.use(pacedModel(words(150, "s"), 100));
    const thread = "1700000203.000100";
    const ts = await askThrough(a, { event: "EvStopB", channel: "CR3", ts: thread, firstWord: "s1" });
    try {
      expect((await b.send(stopClick("U1", "CR3", ts, thread, "slack:EvStopB"), { form: true })).status).toBe(
        200,
      );
      await waitFor(
        () => String(t.api.posted.get(ts)?.text).endsWith("Stopped.") || whispersTo("U1", "CR3").length > 0,
        20_000,
        "Stopped. (or a refusal)",
      );
      expect(whispersTo("U1", "CR3").map((w) => w.args.text)).toEqual([]); // not refused
      await waitFor(() => String(t.api.posted.get(ts)?.text).endsWith("Stopped."), 20_000, "Stopped.");
      expect(paced.aborts).toBe(1);
      const text = String(t.api.posted.get(ts)?.text);
      expect(text).toMatch(/^s1 s2 .*\n\nStopped\.$/s);
      expect(text).not.toContain("s150");
      expect(t.api.posted.get(ts)?.blocks).toEqual([]);
    } finally {
      await stopWhereAsked(a, paced, stopClick("U1", "CR3", ts, thread, "slack:EvStopB"));
      await a.close();
    }
  });

  it("a replica killed with SIGKILL mid-answer leaves the other to finish it, exactly once, in the same reply", async () => {
    const a = await t.child();
    const all = words(40, "k");
    t.engine.use(pacedModel(all, 100));
    const thread = "1700000204.000100";
    await a.send(mentionEvent("EvKill", "CR4", thread, [slackFile(t.api.url, "FBLUE", "b.png")]));
    await waitFor(() => Boolean(placeholderIn("CR4")), 30_000, `A's placeholder\n${a.output()}`);
    const ts = placeholderIn("CR4")?.ts ?? "";
    await leaveMidAnswer(ts, all, "k1", () => a.kill9());
    // One reply: A's placeholder, which B turned into the answer, once.
    expect(postsIn("CR4")).toHaveLength(1);
    expect([...t.api.posted.values()].filter((m) => m.channel === "CR4")).toHaveLength(1);
    expect(t.api.posted.get(ts)?.thread_ts).toBe(thread);
  });
});
