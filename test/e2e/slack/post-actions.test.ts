import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bullQueueName, jobIdFor } from "../../../src/queue/names.js";
import { createSchedule } from "../../../src/queue/schedule.js";
import { colourPhoto } from "../../helpers/images.js";
import { startPostEngine } from "../../helpers/post-engine.js";
import { postModel, toneLines, WITTY } from "../../helpers/post-model.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tomorrowAt } from "../../helpers/zone-clock.js";
import { startSlackBot } from "./app.js";
import { TOKEN, viewSubmission } from "./harness.js";
import { type ApiCall, type StandIn, startSlackStandIn } from "./stand-in.js";

/**
 * A post's Block Kit actions through the real Bolt app: /post makes the post, each click is a
 * signed block_actions payload, a job on the queue, and a chat.update of the same message (or,
 * for Approve, the final message in its thread). The model is scripted.
 */
const APPROVER = "U_APPROVER";
/** Asks for a post from New York (his Slack profile's zone). */
const SAM = { id: "U_SAM", name: "sam" };

let api: StandIn;
let bot: Awaited<ReturnType<typeof startSlackBot>>;
let stack: Awaited<ReturnType<typeof startPostEngine>>;
let mastodon: typeof stack.mastodon;
/** The delayed jobs of scheduled posts, as the engines will find them. */
let schedule: ReturnType<typeof createSchedule>;
const model = postModel();
const prefix = uniquePrefix("slack-post");
const redis = newRedis();
let counter = 0;

async function send(form: Record<string, string>) {
  expect((await bot.send(form, { form: true })).status).toBe(200);
}

type Block = { type: string; text?: { text: string }; elements?: { action_id?: string; text?: string }[] };

const updatesOf = (channel: string, ts: string) =>
  api
    .called("chat.update")
    .filter((c) => c.args.channel === channel && c.args.ts === ts && Array.isArray(c.args.blocks));
/** The captions a post message shows, from its section blocks. */
const captions = (call: ApiCall | undefined) =>
  ((call?.args.blocks ?? []) as Block[])
    .filter((b) => b.type === "section" && /^\*\d\.\*/.test(b.text?.text ?? ""))
    .map((b) => b.text?.text ?? "");

/** The line a post message leads with when it says where the post stands (its second block). */
const statusLine = (call: ApiCall | undefined) =>
  ((call?.args.blocks ?? []) as Block[])
    .slice(1)
    .find((b) => b.type === "section" && /^(🕒|Published|⚠️|⏳|✅)/.test(b.text?.text ?? ""))?.text?.text;

/** /post in a new channel; resolves with the post id and the message's channel and ts. */
async function slashPost(platform: string, file = "FRED", by = { id: "U1", name: "alice" }) {
  counter++;
  const channel = `CP${counter}`;
  const trigger = `trig-post-${counter}`;
  // The photo's message: the post card and everything after it go in its thread.
  const photo = String(Date.now() / 1000 - 5);
  api.history.set(channel, [
    {
      user: by.id,
      ts: photo,
      files: [
        {
          id: file,
          name: `${file.slice(1).toLowerCase()}.png`,
          mimetype: "image/png",
          filetype: "png",
          url_private: `${api.url}/files/${file}`,
        },
      ],
    },
  ]);
  await send({
    command: "/post",
    text: `${platform} variants 2`,
    user_id: by.id,
    user_name: by.name,
    channel_id: channel,
    team_id: "T1",
    trigger_id: trigger,
    response_url: `${api.url}/respond`,
  });
  const postId = `slack:cmd:${trigger}`;
  const withButtons = () =>
    api
      .called("chat.update")
      .find(
        (c) =>
          c.args.channel === channel &&
          JSON.stringify(c.args.blocks ?? []).includes(`post:${postId}:approve-1`),
      );
  await waitFor(() => Boolean(withButtons()), 30_000, "the post with its buttons");
  return { postId, channel, ts: String(withButtons()?.args.ts), thread: photo, first: withButtons() };
}

function click(o: {
  postId: string;
  channel: string;
  ts: string;
  thread?: string;
  action: string;
  value?: string;
  user?: string;
  /** A click on an ephemeral message (/scheduled's list): only its response_url can change it. */
  respondTo?: string;
}) {
  counter++;
  const user = o.user ?? "U1";
  const action = o.value
    ? {
        type: "static_select",
        action_id: `post:${o.postId}:${o.action}`,
        block_id: "b",
        action_ts: `${counter}.1`,
        selected_option: { value: o.value, text: { type: "plain_text", text: o.value } },
      }
    : { type: "button", action_id: `post:${o.postId}:${o.action}`, block_id: "b", action_ts: `${counter}.1` };
  return send({
    payload: JSON.stringify({
      type: "block_actions",
      team: { id: "T1", domain: "t" },
      user: { id: user, username: user === "U1" ? "alice" : user.toLowerCase(), team_id: "T1" },
      api_app_id: "A1",
      token: "legacy",
      container: {
        type: "message",
        message_ts: o.ts,
        channel_id: o.channel,
        is_ephemeral: Boolean(o.respondTo),
        ...(o.thread ? { thread_ts: o.thread } : {}),
      },
      ...(o.respondTo ? { response_url: `${api.url}/respond/${o.respondTo}` } : {}),
      trigger_id: `trig-click-${counter}`,
      channel: { id: o.channel, name: "team" },
      message: { type: "message", ts: o.ts, text: "post", ...(o.thread ? { thread_ts: o.thread } : {}) },
      actions: [action],
    }),
  });
}

/** A slash command (by alice unless said), answered through its response_url; resolves with what it said. */
async function slashAnswer(
  command: string,
  text: string,
  user = { id: "U1", name: "alice" },
): Promise<{ text?: unknown; blocks?: unknown }> {
  counter++;
  const trigger = `trig-cmd-${counter}`;
  await send({
    command,
    text,
    user_id: user.id,
    user_name: user.name,
    channel_id: `CS${counter}`,
    team_id: "T1",
    trigger_id: trigger,
    response_url: `${api.url}/respond/${trigger}`,
  });
  const said = () => api.responses.find((r) => r.path === `/respond/${trigger}`);
  await waitFor(() => Boolean(said()), 10_000, `the answer to ${command}`);
  expect(said()?.body.response_type).toBe("ephemeral");
  return said()?.body ?? {};
}

/** Clicks and waits for the next edit of the post message. */
async function refine(post: { postId: string; channel: string; ts: string }, action: string, value?: string) {
  const before = updatesOf(post.channel, post.ts).length;
  await click({ ...post, action, ...(value ? { value } : {}) });
  await waitFor(() => updatesOf(post.channel, post.ts).length > before, 30_000, `the edit after ${action}`);
  return updatesOf(post.channel, post.ts).at(-1);
}

/** Clicks what opens a modal; resolves with the view views.open got on the click's trigger_id. */
async function openedBy(o: Parameters<typeof click>[0]) {
  const before = api.views.length;
  await click(o);
  await waitFor(() => api.views.length > before, 10_000, "the modal");
  const view = api.views[before];
  expect(view?.trigger).toBe(`trig-click-${counter}`);
  return view as NonNullable<typeof view>;
}

/** Submits a modal with `words` in its box; resolves with the acknowledgement's body ({} when none). */
async function submitTime(view: Awaited<ReturnType<typeof openedBy>>, user: string, words: string) {
  const sent = await bot.send(
    viewSubmission({ user: { id: user, username: user.toLowerCase() }, view, typed: { when: words } }),
    {
      form: true,
    },
  );
  expect(sent.status).toBe(200);
  return sent.body ? (JSON.parse(sent.body) as Record<string, unknown>) : {};
}

/** What was said through a clicked list's response_url (`respondTo`): the list drawn again. */
const redrawn = (key: string) => api.responses.filter((r) => r.path === `/respond/${key}`);
const ephemerals = (channel: string) =>
  api.called("chat.postEphemeral").filter((c) => c.args.channel === channel);
const threadPosts = (channel: string, thread: string) =>
  api.called("chat.postMessage").filter((c) => c.args.channel === channel && c.args.thread_ts === thread);

beforeAll(async () => {
  api = await startSlackStandIn(TOKEN);
  api.files.set("FRED", await colourPhoto("red"));
  // sam asks for posts from New York, the approver works from Tokyo (users.info → tz); alice's
  // profile names no zone.
  api.users.set(SAM.id, { tz: "America/New_York" });
  api.users.set(APPROVER, { tz: "Asia/Tokyo" });
  stack = await startPostEngine({
    prefix,
    model,
    config: (mastodonUrl) =>
      testConfig({
        redis: { prefix },
        slack: { apiUrl: api.apiUrl, fileOrigins: [api.url], approvers: [APPROVER] },
        publish: { mastodon: { instanceUrl: mastodonUrl } },
      }),
  });
  mastodon = stack.mastodon;
  const config = stack.config;
  schedule = createSchedule({ redisUrl: redisUrl(), prefix, config });
  bot = await startSlackBot(config);
}, 60_000);

afterAll(async () => {
  await schedule?.close();
  await bot?.slack.close();
  await stack?.close();
  await api?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe("a post's Block Kit actions on Slack", () => {
  it("regenerate, shorter, tone, platform and translate each chat.update the same message, with no second look at the photo", async () => {
    const post = await slashPost("instagram");
    const vision = model.visionCalls;
    const first = captions(post.first);
    expect(first).toHaveLength(2);

    const regenerated = captions(await refine(post, "regenerate"));
    expect(regenerated).toHaveLength(2);
    expect(regenerated).not.toEqual(first);

    const shorter = captions(await refine(post, "shorter"));
    expect(shorter.join("").length).toBeLessThan(regenerated.join("").length);

    // The model gets the new tone, not only the menu: the set written after the click asks for witty.
    const asked = model.prompts.length;
    const witty = await refine(post, "tone", "witty");
    expect(JSON.stringify(witty?.args.blocks)).toContain("Tone: witty");
    expect(toneLines(model.prompts.slice(0, asked))).not.toContain(WITTY);
    expect(toneLines(model.prompts.slice(asked))).toEqual([WITTY]);

    const onX = await refine(post, "platform", "x");
    expect(String(onX?.args.text)).toMatch(/^X post, 2 captions \(limit 280\)/);
    // The image prepared again for X goes into the post's thread.
    await waitFor(
      () => api.called("files.getUploadURLExternal").some((c) => c.args.filename === "post-x.jpg"),
      10_000,
      "the X image",
    );

    const german = captions(await refine(post, "translate", "de"));
    for (const c of german) expect(c).toMatch(/^\*\d\.\* \[German\] /);

    expect(model.visionCalls).toBe(vision);
  });

  it("Approve by someone not allowed is refused; the requester's approval posts the final message in the thread", async () => {
    const post = await slashPost("instagram");
    await click({ ...post, action: "approve-1", user: "U2" });
    await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the refusal");
    expect(ephemerals(post.channel)[0]?.args).toMatchObject({
      user: "U2",
      text: "Only the person who asked for this post, or an approver, can approve it.",
    });

    await click({ ...post, action: "approve-2" });
    await waitFor(
      () => threadPosts(post.channel, post.thread).some((c) => /Ready to post/.test(String(c.args.text))),
      20_000,
      "the final message",
    );
    const final = threadPosts(post.channel, post.thread).find((c) =>
      /Ready to post/.test(String(c.args.text)),
    );
    expect(String(final?.args.text)).toMatch(/^✅ Ready to post \(approved by alice\)/);
    // The caption approved is the second one shown, not the first.
    const [first, second] = captions(post.first).map((c) => c.replace(/^\*\d\.\* /, "").split("\n")[0]);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(String(final?.args.text)).toContain(second);
    expect(String(final?.args.text)).not.toContain(first);
    expect(String(final?.args.text)).toContain("Alt text: A red frisbee in flight over a green lawn");
    await waitFor(
      () =>
        api
          .called("files.completeUploadExternal")
          .some((c) => c.args.channel_id === post.channel && c.args.thread_ts === post.thread),
      10_000,
      "the prepared image in the thread",
    );

    await click({ ...post, action: "regenerate" });
    await waitFor(() => ephemerals(post.channel).length > 1, 10_000, "the frozen answer");
    expect(String(ephemerals(post.channel)[1]?.args.text)).toMatch(/approved by alice; run \/post again/);
  });

  it("a user listed as an approver may approve someone else's post", async () => {
    const post = await slashPost("instagram");
    await click({ ...post, action: "approve-1", user: APPROVER });
    await waitFor(
      () => threadPosts(post.channel, post.thread).some((c) => /Ready to post/.test(String(c.args.text))),
      20_000,
      "the final message",
    );
    expect(ephemerals(post.channel)).toHaveLength(0);
  });

  it("two refinements race: the first wins, the other clicker is told and sees the latest", async () => {
    const post = await slashPost("instagram");
    const before = updatesOf(post.channel, post.ts).length;
    // Both click the card as it first showed (version 0), before either change is made.
    await click({ ...post, action: "shorter", user: "U1" });
    await click({ ...post, action: "tone", value: "witty", user: "U2" });
    await waitFor(() => ephemerals(post.channel).length > 0, 30_000, "the second clicker told");
    await waitFor(() => updatesOf(post.channel, post.ts).length >= before + 2, 30_000, "both redraws");
    expect(ephemerals(post.channel).map((c) => [c.args.user, c.args.text])).toEqual([
      ["U2", "Someone else changed this post; here is the latest."],
    ]);
    const [won, latest] = updatesOf(post.channel, post.ts).slice(before);
    // The shorter captions stand; the witty rewrite of the old ones was not applied over them.
    expect(captions(latest)).toEqual(captions(won));
    expect(captions(won).join("").length).toBeLessThan(captions(post.first).join("").length);
    expect(JSON.stringify(latest?.args.blocks)).not.toContain("Tone: witty");
    const record = JSON.parse((await redis.hget(`${prefix}:post:${post.postId}`, "record")) ?? "{}");
    expect(record.version).toBe(1);
  });

  it("a click after the post expired gets a clear ephemeral message", async () => {
    await click({ postId: "slack:cmd:gone", channel: "CGONE", ts: "1.1", action: "shorter" });
    await waitFor(() => ephemerals("CGONE").length > 0, 10_000, "the expiry message");
    expect(ephemerals("CGONE")[0]?.args.text).toBe("This post has expired; run /post again.");
  });

  it("with a Mastodon account, the requester's Approve publishes nothing and says who can", async () => {
    const post = await slashPost("mastodon");
    const statuses = mastodon.statuses.length;
    await click({ ...post, action: "approve-1" });
    await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the refusal");
    expect(ephemerals(post.channel)[0]?.args).toMatchObject({
      user: "U1",
      text: `Approving this post publishes it to Mastodon, so only an approver can: <@${APPROVER}>.`,
    });
    expect(threadPosts(post.channel, post.thread).filter((c) => /✅/.test(String(c.args.text)))).toEqual([]);
    expect(mastodon.statuses).toHaveLength(statuses);
  });

  it("with a Mastodon account, an approver's Approve publishes once and links the live post", async () => {
    const post = await slashPost("mastodon");
    await click({ ...post, action: "approve-1", user: APPROVER });
    await waitFor(
      () =>
        threadPosts(post.channel, post.thread).some((c) => /Published to Mastodon/.test(String(c.args.text))),
      20_000,
      "the link",
    );
    expect(mastodon.statuses).toHaveLength(1);
    const text = String(
      threadPosts(post.channel, post.thread).find((c) => /Published/.test(String(c.args.text)))?.args.text,
    );
    expect(text).toContain(`${mastodon.url}/@team/${mastodon.statuses[0]?.id}`);
    expect(mastodon.media.at(-1)?.description).toBe("A red frisbee in flight over a green lawn");
  });

  it("Schedule…: the approver is told the time in Slack's date markup, the card shows it and offers no second approval, the requester's Cancel is refused, and at the time the card says Published with the link and the scheduler is told", async () => {
    const post = await slashPost("mastodon");
    // An option's value is the caption and the instant the menu showed: here one a few seconds away.
    const at = Math.floor(Date.now() / 1000) + 6;
    const before = mastodon.statuses.length;
    await click({ ...post, action: "schedule", value: `1-${at}`, user: APPROVER });
    await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the note");
    expect(ephemerals(post.channel)[0]?.args.user).toBe(APPROVER);
    expect(String(ephemerals(post.channel)[0]?.args.text)).toMatch(
      new RegExp(
        `^Scheduled: caption 1 goes out <!date\\^${at}\\^\\{date_short_pretty\\} \\{time\\}\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC>\\.$`,
      ),
    );
    // The card itself says when, in Slack's date markup, and offers no second approval.
    const scheduledCard = updatesOf(post.channel, post.ts).at(-1);
    expect(statusLine(scheduledCard)).toMatch(
      new RegExp(
        `^🕒 Scheduled for <!date\\^${at}\\^\\{date_short_pretty\\} \\{time\\}\\|[^>]+ UTC> by u_approver \\(caption 1\\)$`,
      ),
    );
    expect(captions(scheduledCard)).toEqual(captions(post.first));
    expect(JSON.stringify(scheduledCard?.args.blocks)).not.toMatch(/"(actions|accessory)"/);
    // /scheduled lists it for the workspace (anyone may look), with its time in Slack's markup and Cancel.
    const listed = await slashAnswer("/scheduled", "");
    expect(listed.text).toBe("Scheduled posts (1), soonest first");
    expect(JSON.stringify(listed.blocks)).toContain(`<!date^${at}^{date_short_pretty} {time}|`);
    expect(JSON.stringify(listed.blocks)).toContain(`post:${post.postId}:unschedule`);
    expect((await slashAnswer("/timezone", "Mars/Base")).text).toBe(
      '"Mars/Base" is not a time zone I know; use an IANA name such as Europe/Berlin.',
    );
    expect((await slashAnswer("/timezone", "Europe/Berlin")).text).toBe(
      "Your time zone is now Europe/Berlin; times typed for the posts you ask for are read there.",
    );
    await click({ ...post, action: "unschedule" });
    await waitFor(() => ephemerals(post.channel).length > 1, 10_000, "the refusal");
    expect(ephemerals(post.channel)[1]?.args).toMatchObject({
      user: "U1",
      text: "Only u_approver or an approver can change this scheduled post.",
    });
    // In the thread the post is in (a /post on a photo answers in the photo's thread).
    const published = () =>
      api
        .called("chat.postMessage")
        .find((c) => c.args.channel === post.channel && /Published to Mastodon/.test(String(c.args.text)));
    await waitFor(() => Boolean(published()), 30_000, "the published message");
    expect(mastodon.statuses).toHaveLength(before + 1);
    expect(Date.parse(mastodon.statuses.at(-1)?.createdAt ?? "")).toBeGreaterThanOrEqual(at * 1000);
    const link = `${mastodon.url}/@team/${mastodon.statuses.at(-1)?.id}`;
    // The scheduler is told in one short line; the card message itself says Published, with the link.
    expect(published()?.args.text).toBe(
      `<@${APPROVER}>, your scheduled post: ✅ Published to Mastodon (approved by u_approver): ${link}`,
    );
    const publishedCard = updatesOf(post.channel, post.ts).at(-1);
    expect(statusLine(publishedCard)).toBe(
      `Published ✅ ${link} (Mastodon, caption 1, scheduled by u_approver)`,
    );
    expect(JSON.stringify(publishedCard?.args.blocks)).not.toMatch(/"(actions|accessory)"/);
  });

  it("Cancel from /scheduled opens the scheduled card again: Approve and Schedule… are back, nothing is published", async () => {
    const post = await slashPost("mastodon");
    const at = Math.floor(Date.now() / 1000) + 3600;
    const before = mastodon.statuses.length;
    await click({ ...post, action: "schedule", value: `2-${at}`, user: APPROVER });
    await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the note");
    expect(statusLine(updatesOf(post.channel, post.ts).at(-1))).toMatch(
      new RegExp(`^🕒 Scheduled for <!date\\^${at}\\^.* by u_approver \\(caption 2\\)$`),
    );
    await click({ ...post, action: "unschedule", user: APPROVER });
    await waitFor(() => ephemerals(post.channel).length > 1, 10_000, "the answer to Cancel");
    expect(ephemerals(post.channel)[1]?.args.text).toBe(
      "Cancelled: nothing will be published. The post can be approved again.",
    );
    const open = updatesOf(post.channel, post.ts).at(-1);
    expect(statusLine(open)).toBeUndefined();
    expect(captions(open)).toEqual(captions(post.first));
    const actions = JSON.stringify(open?.args.blocks);
    for (const action of ["approve-1", "approve-2", "schedule"])
      expect(actions).toContain(`"action_id":"post:${post.postId}:${action}"`);
    expect(mastodon.statuses).toHaveLength(before);
  });

  it("/scheduled lists two posts soonest first, each naming its photo with Publish now, Reschedule and Cancel; Publish now is the scheduler's or an approver's, and publishes once", async () => {
    api.files.set("FBLUE", await colourPhoto("blue"));
    const later = await slashPost("mastodon");
    const sooner = await slashPost("mastodon", "FBLUE");
    const atLater = Math.floor(Date.now() / 1000) + 7200;
    const atSooner = atLater - 3600;
    for (const [post, at] of [
      [later, atLater],
      [sooner, atSooner],
    ] as const) {
      await click({ ...post, action: "schedule", value: `1-${at}`, user: APPROVER });
      await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the note");
      expect(String(ephemerals(post.channel)[0]?.args.text)).toMatch(
        /^Scheduled: caption 1 goes out <!date\^/,
      );
    }

    const listed = await slashAnswer("/scheduled", "");
    expect(listed.text).toBe("Scheduled posts (2), soonest first");
    type Drawn = {
      type: string;
      text?: { text: string };
      elements?: { action_id?: string; text?: unknown }[];
    };
    const blocks = listed.blocks as Drawn[];
    // Per post: its section (time, network, caption start, who), the photo named, its three buttons.
    expect(blocks.map((b) => b.type)).toEqual([
      "section",
      ...["section", "context", "actions", "section", "context", "actions"],
    ]);
    expect(blocks[1]?.text?.text).toMatch(
      new RegExp(`^<!date\\^${atSooner}\\^.* · Mastodon · .+\n_scheduled by u_approver_$`),
    );
    expect(blocks[4]?.text?.text).toMatch(new RegExp(`^<!date\\^${atLater}\\^`));
    // Slack fetches an image accessory from a URL and the bot's photos have none it may read: named, not shown.
    expect(blocks[2]?.elements?.[0]?.text).toBe("🖼 A red frisbee in flight over a green lawn");
    expect([blocks[3], blocks[6]].map((b) => b?.elements?.map((e) => e.action_id))).toEqual(
      [sooner, later].map((p) => [
        `post:${p.postId}:publish-now`,
        `post:${p.postId}:reschedule`,
        `post:${p.postId}:unschedule`,
      ]),
    );

    const approvalId = `${sooner.postId}:approve:0`;
    const delayed = () =>
      redis.zscore(`${prefix}:${bullQueueName("requests")}:delayed`, jobIdFor(approvalId));
    expect(await delayed()).not.toBeNull();
    // The list is an ephemeral message in the channel, outside any thread.
    const onList = (p: { postId: string; channel: string }) => ({
      postId: p.postId,
      channel: p.channel,
      ts: "1700000000.000100",
    });
    const list = onList(sooner);

    // alice asked for the post but neither scheduled it nor approves: refused, nothing published.
    const statuses = mastodon.statuses.length;
    await click({ ...list, action: "publish-now", respondTo: "list-refused" });
    await waitFor(() => ephemerals(sooner.channel).length > 1, 10_000, "the refusal");
    expect(ephemerals(sooner.channel)[1]?.args).toMatchObject({
      user: "U1",
      text: "Only u_approver or an approver can change this scheduled post.",
    });
    expect(redrawn("list-refused")).toHaveLength(0);
    expect(mastodon.statuses).toHaveLength(statuses);
    expect(await delayed()).not.toBeNull();

    // The approver who scheduled it: one sentence, the list drawn again without it, published once.
    await click({ ...list, action: "publish-now", user: APPROVER, respondTo: "list-publish" });
    await waitFor(() => ephemerals(sooner.channel).length > 2, 10_000, "the sentence");
    expect(ephemerals(sooner.channel)[2]?.args).toMatchObject({
      user: APPROVER,
      text: "Publishing to Mastodon now.",
    });
    await waitFor(() => redrawn("list-publish").length > 0, 10_000, "the list drawn again");
    const after = redrawn("list-publish")[0]?.body;
    expect(after?.replace_original).toBe(true);
    expect(after?.text).toBe("Scheduled posts (1), soonest first");
    expect(JSON.stringify(after?.blocks)).toContain(`post:${later.postId}:publish-now`);
    expect(JSON.stringify(after?.blocks)).not.toContain(sooner.postId);
    await waitFor(() => mastodon.statuses.length > statuses, 30_000, "the status");
    await waitFor(
      () =>
        threadPosts(sooner.channel, sooner.thread).some((c) =>
          /Published to Mastodon/.test(String(c.args.text)),
        ),
      20_000,
      "the published message",
    );
    expect(mastodon.statuses).toHaveLength(statuses + 1);
    expect(await delayed()).toBeNull();

    await click({ ...onList(later), action: "unschedule", user: APPROVER, respondTo: "list-cancel" });
    await waitFor(() => redrawn("list-cancel").length > 0, 10_000, "the emptied list");
    expect(redrawn("list-cancel")[0]?.body.text).toBe("Nothing is scheduled.");
    expect(mastodon.statuses).toHaveLength(statuses + 1);
  });

  it("Other time… opens a modal whose words are read in the Slack profile's zone of the person the post is for (a past time refused under the box), and Reschedule's modal moves the delayed job", async () => {
    const post = await slashPost("mastodon", "FRED", SAM);
    expect(JSON.stringify(post.first?.args.blocks)).toContain(
      '{"value":"2-other","text":{"type":"plain_text","text":"Caption 2 · Other time…"}}',
    );
    const view = await openedBy({ ...post, action: "schedule", value: "1-other", user: APPROVER });
    expect(view.view).toMatchObject({
      type: "modal",
      callback_id: "post_time",
      title: { type: "plain_text", text: "Schedule caption 1" },
      submit: { type: "plain_text", text: "Schedule" },
      blocks: [
        {
          type: "input",
          block_id: "when",
          label: { type: "plain_text", text: "When? e.g. tomorrow 9am, next friday 17:30" },
          element: { type: "plain_text_input", action_id: "when" },
        },
      ],
    });
    expect(JSON.parse(view.view.private_metadata ?? "")).toEqual({
      form: `when:1:${post.postId}`,
      channel: post.channel,
      message: post.ts,
      thread: post.thread,
    });

    // A refusal stays in the modal, under the box; nothing is scheduled or said in the channel.
    expect(await submitTime(view, APPROVER, "1 March 2025 10:00")).toEqual({
      response_action: "errors",
      errors: {
        when: "Saturday 1 March 2025 10:00 (America/New_York) has already passed; pick a time in the future.",
      },
    });
    const approvalId = `${post.postId}:approve:0`;
    expect(await schedule.get(approvalId)).toBeUndefined();
    expect(ephemerals(post.channel)).toHaveLength(0);

    const nine = tomorrowAt("America/New_York", "09:00") / 1000;
    expect(await submitTime(view, APPROVER, "tomorrow 9am")).toEqual({});
    expect((await schedule.get(approvalId))?.at).toBe(nine * 1000);
    await waitFor(() => ephemerals(post.channel).length > 0, 10_000, "the note");
    expect(ephemerals(post.channel)[0]?.args).toMatchObject({
      user: APPROVER,
      // The approver's words were read in the zone of the person the post is for, and are told so.
      text: `Scheduled: caption 1 goes out <!date^${nine}^{date_short_pretty} {time}|${new Date(nine * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC>. "tomorrow 9am" was read in America/New_York, the time zone of the person who asked for the post.`,
    });

    // Reschedule (a button of /scheduled) opens the same modal, for the post's scheduled caption.
    const again = await openedBy({ ...post, action: "reschedule" });
    expect(again.view.title).toEqual({ type: "plain_text", text: "Reschedule" });
    expect(await submitTime(again, "U1", "tomorrow 17:30")).toEqual({
      response_action: "errors",
      errors: { when: "Only u_approver or an approver can change this scheduled post." },
    });
    // From /scheduled's list (ephemeral): after the move, the list is drawn again through its response_url.
    const moved = await openedBy({ ...post, action: "reschedule", user: APPROVER, respondTo: "list-moved" });
    const half = tomorrowAt("America/New_York", "17:30") / 1000;
    expect(await submitTime(moved, APPROVER, "tomorrow 17:30")).toEqual({});
    // changeDelay counts from BullMQ's own clock reading, a millisecond or so after ours.
    expect(Math.floor(((await schedule.get(approvalId))?.at ?? 0) / 1000)).toBe(half);
    await waitFor(() => ephemerals(post.channel).length > 1, 10_000, "the second note");
    expect(String(ephemerals(post.channel)[1]?.args.text)).toMatch(
      new RegExp(`^Rescheduled: caption 1 goes out <!date\\^${half}\\^`),
    );
    await waitFor(() => redrawn("list-moved").length > 0, 10_000, "the list drawn again");
    expect(redrawn("list-moved")[0]?.body.replace_original).toBe(true);
    expect(JSON.stringify(redrawn("list-moved")[0]?.body.blocks)).toContain(`<!date^${half}^`);
    expect(await schedule.cancel(approvalId)).toBe("done");

    // /timezone says the profile's zone is the one used, rather than seeming to change it.
    expect((await slashAnswer("/timezone", "Europe/Berlin", { id: APPROVER, name: "u_approver" })).text).toBe(
      "Times typed for the posts you ask for are read in your Slack profile's time zone, Asia/Tokyo; change it in your profile. Europe/Berlin is kept for when your profile has none.",
    );
  });

  it("a failed publish (401) leaves the approval pending with a Retry button", async () => {
    const post = await slashPost("mastodon");
    mastodon.hooks.failNext("POST /api/v2/media", {
      status: 401,
      body: { error: "The access token is invalid" },
    });
    await click({ ...post, action: "approve-1", user: APPROVER });
    const failed = () =>
      threadPosts(post.channel, post.thread).find((c) => /refused our credentials/.test(String(c.args.text)));
    await waitFor(() => Boolean(failed()), 20_000, "the failure");
    expect(String(failed()?.args.text)).toMatch(/Check MASTODON_ACCESS_TOKEN.*Press Retry/s);
    expect(JSON.stringify(failed()?.args.blocks)).toContain(`post:${post.postId}:retry`);
    const before = mastodon.statuses.length;
    await click({ ...post, action: "retry", user: APPROVER });
    await waitFor(
      () =>
        threadPosts(post.channel, post.thread).some((c) => /Published to Mastodon/.test(String(c.args.text))),
      20_000,
      "the retry",
    );
    expect(mastodon.statuses).toHaveLength(before + 1);
  });
});
