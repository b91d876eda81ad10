import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscord } from "../../../src/bots/discord/index.js";
import { bullQueueName, jobIdFor } from "../../../src/queue/names.js";
import { createSchedule } from "../../../src/queue/schedule.js";
import { colourPhoto } from "../../helpers/images.js";
import { startPostEngine } from "../../helpers/post-engine.js";
import { postModel, toneLines, WITTY } from "../../helpers/post-model.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { DISCORD_TEST_TOKEN } from "../../helpers/secrets.js";
import { tomorrowAt } from "../../helpers/zone-clock.js";
import { componentClick, type DiscordUser, memberMessage, modalSubmit, slashCommand } from "./payloads.js";
import { APP_ID, BOT_ID, GUILD_ID, startDiscordStandIn } from "./stand-in.js";

/**
 * A post's buttons through the real discord.js client: each click is an interaction the stand-in
 * dispatches, a job on the queue, and an edit of the same message (or, for Approve, the final
 * message under it). The model is scripted, so every caption is known to come from it.
 */
const CH = "410000000000000001"; // first channel: the stand-in files webhook messages here
let stand: Awaited<ReturnType<typeof startDiscordStandIn>>;
let discord: Awaited<ReturnType<typeof startDiscord>>;
let stack: Awaited<ReturnType<typeof startPostEngine>>;
let mastodon: typeof stack.mastodon;
/** The delayed jobs of scheduled posts, as the engines will find them. */
let schedule: ReturnType<typeof createSchedule>;
const model = postModel();
const prefix = uniquePrefix("discord-post");
const redis = newRedis();
let ids = 920_000_000_000_000_000n;
const nextId = () => String(ids++);

const person = (id: string, name: string) => ({
  id,
  username: name,
  discriminator: "0",
  global_name: name,
  avatar: null,
  bot: false,
});
const alice = person("500000000000000001", "alice");
const bob = person("500000000000000002", "bob");
const carol = person("500000000000000003", "carol"); // holds the approver role
const APPROVER_ROLE = "700000000000000777";

/** /post with a photo; resolves with the post message's id and the text it shows. */
async function slashPost(
  platform: string,
  photo?: Buffer,
): Promise<{ postId: string; messageId: string; content: string }> {
  const id = nextId();
  const att = stand.attachment(nextId(), "red.png", photo ?? (await colourPhoto("red")));
  stand.dispatch(
    "INTERACTION_CREATE",
    slashCommand({
      id,
      channel: CH,
      name: "post",
      user: alice,
      options: [
        { name: "image", type: 11, value: att.id },
        { name: "platform", type: 3, value: platform },
        { name: "variants", type: 4, value: 2 },
      ],
      attachments: { [att.id]: att },
    }),
  );
  const withButtons = () =>
    webhookEdits(id).find((r) => JSON.stringify(r.json?.components ?? []).includes(`post:discord:${id}:`));
  await waitFor(() => Boolean(withButtons()), 30_000, "the post with its buttons");
  const content = String(withButtons()?.json?.content);
  await waitFor(() => stand.messageIdFor(CH, content) !== undefined, 5000, "the post message");
  return { postId: `discord:${id}`, messageId: stand.messageIdFor(CH, content) ?? "", content };
}

/** A click on the post message, as the gateway sends it. Returns the interaction's id. */
function click(o: {
  messageId: string;
  customId: string;
  user?: DiscordUser;
  roles?: string[];
  values?: string[];
  flags?: number;
}): string {
  const id = nextId();
  stand.dispatch(
    "INTERACTION_CREATE",
    componentClick({ id, channel: CH, permissions: "1024", ...o, user: o.user ?? alice }),
  );
  return id;
}

const webhookEdits = (id: string) =>
  stand.requests.filter(
    (r) => r.method === "PATCH" && r.path === `/webhooks/${APP_ID}/token-${id}/messages/@original`,
  );
const followUps = (id: string) =>
  stand.requests.filter((r) => r.method === "POST" && r.path === `/webhooks/${APP_ID}/token-${id}`);
/** The post's own message as it reads now in the stand-in, edits applied. */
const cardMessage = (messageId: string) => stand.messagesIn(CH).find((m) => m.id === messageId);
const channelPosts = () =>
  stand.requests.filter((r) => r.method === "POST" && r.path === `/channels/${CH}/messages`);

/** Clicks and waits for the edit of the clicked message; returns its content. */
async function refine(messageId: string, customId: string, values?: string[]): Promise<string> {
  const id = click({ messageId, customId, ...(values ? { values } : {}) });
  await waitFor(() => webhookEdits(id).length > 0, 30_000, `the edit after ${customId}`);
  const edit = webhookEdits(id)[0];
  expect(JSON.stringify(edit?.json?.components)).toContain(customId.replace(/:[^:]+$/, ":approve-1"));
  return String(edit?.json?.content);
}

/** The components of the post's first draw that has the menu `customId`, as JSON. */
function menuShown(postId: string, customId: string): string {
  const shown = webhookEdits(postId.replace("discord:", "")).find((r) =>
    JSON.stringify(r.json?.components ?? []).includes(customId),
  );
  return JSON.stringify(shown?.json?.components);
}

/** Caption `n` as the post message lists it ("2. …"); the test fails if it is not there. */
function captionShown(content: string, n: number): string {
  const line = new RegExp(`^${n}\\. (.+)$`, "m").exec(content)?.[1];
  expect(line, `caption ${n} in ${content}`).toBeDefined();
  return line ?? "";
}

/** A slash command (by alice unless said) that is answered at once; resolves with the callback's data. */
async function slashAnswer(
  name: string,
  options: unknown[],
  user: DiscordUser = alice,
): Promise<Record<string, unknown> | undefined> {
  return (await slashCallback(name, options, user)).data;
}

/** A slash command answered at once: the callback's data and the files uploaded with it. */
async function slashCallback(name: string, options: unknown[], user: DiscordUser = alice) {
  const id = nextId();
  stand.dispatch("INTERACTION_CREATE", slashCommand({ id, channel: CH, name, user, options }));
  const callback = () => stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
  await waitFor(() => Boolean(callback()), 10_000, `the answer to /${name}`);
  expect(callback()?.json?.type).toBe(4);
  return {
    data: callback()?.json?.data as Record<string, unknown> | undefined,
    files: callback()?.files ?? [],
  };
}

type Layout = {
  type: number;
  content?: string;
  custom_id?: string;
  label?: string;
  components?: Layout[];
  accessory?: Layout & { media?: { url: string }; description?: string };
};

/**
 * /scheduled's entries as its layout components draw them: each entry's words, its thumbnail's
 * attachment and its buttons (the row right under it).
 */
function listEntries(components: unknown) {
  const top = (components ?? []) as Layout[];
  const entries: { text: string; thumbnail?: string; buttons: string[] }[] = [];
  for (const c of top) {
    if (c.type === 9)
      entries.push({
        text: c.components?.map((t) => t.content).join("\n") ?? "",
        ...(c.accessory?.media ? { thumbnail: c.accessory.media.url } : {}),
        buttons: [],
      });
    else if (c.type === 1 && entries.length) {
      const last = entries.at(-1);
      if (last) last.buttons = (c.components ?? []).map((b) => `${b.label}=${b.custom_id}`);
    }
  }
  return { title: top[0]?.content, entries };
}

/** The modal a click was answered with (callback type 9), once Discord accepted it. */
async function modalShown(id: string): Promise<Record<string, unknown>> {
  await waitFor(() => Boolean(stand.modalFor(id)), 10_000, "the modal");
  return stand.modalFor(id) ?? {};
}

/** A modal's submit with `words` typed in its one box; returns the interaction's id. */
function typeTime(o: {
  messageId: string;
  customId: string;
  words: string;
  user: DiscordUser;
  roles?: string[];
  flags?: number;
}) {
  const id = nextId();
  stand.dispatch("INTERACTION_CREATE", modalSubmit({ id, channel: CH, ...o, typed: { when: o.words } }));
  return id;
}

async function ephemeral(id: string): Promise<string> {
  await waitFor(() => followUps(id).length > 0, 10_000, "the ephemeral answer");
  const answer = followUps(id)[0]?.json;
  expect(answer?.flags).toBe(64);
  return String(answer?.content);
}

beforeAll(async () => {
  stand = await startDiscordStandIn([CH]);
  stack = await startPostEngine({
    prefix,
    model,
    config: (mastodonUrl) =>
      testConfig({
        redis: { prefix },
        discord: { apiBase: stand.api, cdnOrigins: [stand.base], approverRoles: [APPROVER_ROLE] },
        publish: { mastodon: { instanceUrl: mastodonUrl } },
      }),
  });
  mastodon = stack.mastodon;
  const config = stack.config;
  schedule = createSchedule({ redisUrl: redisUrl(), prefix, config });
  discord = await startDiscord({
    config,
    secrets: { discordToken: DISCORD_TEST_TOKEN },
    redisUrl: redisUrl(),
  });
  // The approver role exists in the guild, as it would on a real server.
  stand.dispatch("GUILD_ROLE_CREATE", {
    guild_id: GUILD_ID,
    role: {
      id: APPROVER_ROLE,
      name: "social team",
      permissions: "0",
      position: 1,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    },
  });
  await waitFor(
    () => discord.client.guilds.cache.get(GUILD_ID)?.roles.cache.has(APPROVER_ROLE) === true,
    5000,
    "the role",
  );
}, 60_000);

afterAll(async () => {
  await schedule?.close();
  await discord?.close();
  await stack?.close();
  await stand?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe("a post's buttons on Discord", () => {
  it("regenerate, shorter, tone, platform and translate each edit the post in place, with no second look at the photo", async () => {
    const post = await slashPost("instagram");
    expect(post.content).toMatch(/^Instagram feed post, 2 captions/);
    const vision = model.visionCalls;
    const id = (action: string) => `post:${post.postId}:${action}`;

    const regenerated = await refine(post.messageId, id("regenerate"));
    expect(regenerated).toMatch(/^Instagram feed post, 2 captions/);
    expect(regenerated).not.toBe(post.content);

    const shorter = await refine(post.messageId, id("shorter"));
    expect(shorter.length).toBeLessThan(regenerated.length);
    expect(shorter).toMatch(/1\. \S+ \S+ \S+ \S+!/);

    // The model gets the new tone: a set written after the click asks for witty, not the post's casual.
    const asked = model.prompts.length;
    const witty = await refine(post.messageId, id("tone"), ["witty"]);
    expect(witty).not.toBe(shorter);
    expect(toneLines(model.prompts.slice(0, asked))).not.toContain(WITTY);
    expect(toneLines(model.prompts.slice(asked))).toEqual([WITTY]);

    const onX = await refine(post.messageId, id("platform"), ["x"]);
    expect(onX).toMatch(/^X post, 2 captions \(limit 280\)/);

    const german = await refine(post.messageId, id("translate"), ["de"]);
    expect(german).toMatch(/1\. \[German\] /);
    expect(german).toMatch(/Alt text: \[German\] /);

    expect(model.visionCalls).toBe(vision);
  });

  it("a post asked for by mention is drawn into the bot's 'working on it' reply: no placeholder or Stop button is left", async () => {
    const messageId = nextId();
    const att = stand.attachment(nextId(), "red.png", await colourPhoto("red"));
    stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: messageId,
        channel: CH,
        content: `<@${BOT_ID}> /post instagram`,
        attachments: [att],
        mentionBot: true,
      }),
    );
    const replies = () =>
      stand
        .messagesIn(CH)
        .filter(
          (m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId,
        );
    const hasButtons = (m: Record<string, unknown>) =>
      JSON.stringify(m.components ?? []).includes(`post:discord:${messageId}:`);
    await waitFor(() => replies().some(hasButtons), 30_000, "the post with its buttons");
    await new Promise((r) => setTimeout(r, 1000)); // any late status edit would land by now
    const [only, ...more] = replies();
    expect(more).toHaveLength(0);
    expect(only && hasButtons(only)).toBe(true);
    expect(String(only?.content)).not.toMatch(/Working on it/);
    expect(JSON.stringify(only?.components)).not.toContain("stop:");
    // The post's image went with the edit of the placeholder.
    const drawn = stand.requests.find(
      (r) =>
        r.method === "PATCH" && r.path === `/channels/${CH}/messages/${only?.id}` && hasButtons(r.json ?? {}),
    );
    expect(drawn?.files.length).toBeGreaterThan(0);
  });

  it("a platform change sends the image prepared again with the edit", async () => {
    const post = await slashPost("instagram");
    const clickId = click({
      messageId: post.messageId,
      customId: `post:${post.postId}:platform`,
      values: ["x"],
    });
    await waitFor(() => webhookEdits(clickId).length > 0, 30_000, "the edit");
    expect(webhookEdits(clickId)[0]?.files.map((f) => f.name)).toEqual(["post-x.jpg"]);
  });

  it("Approve by someone not allowed is refused; the requester's approval posts the final message", async () => {
    const post = await slashPost("instagram");
    const refusedId = click({
      messageId: post.messageId,
      customId: `post:${post.postId}:approve-1`,
      user: bob,
    });
    expect(await ephemeral(refusedId)).toBe(
      "Only the person who asked for this post, or an approver, can approve it.",
    );
    const before = channelPosts().length;
    click({ messageId: post.messageId, customId: `post:${post.postId}:approve-2` });
    await waitFor(() => channelPosts().length > before, 20_000, "the final message");
    const final = channelPosts().at(-1);
    expect(String(final?.json?.content)).toMatch(/^✅ Ready to post \(approved by alice\)/);
    // The caption approved is the second one shown, not the first.
    const [first, second] = [captionShown(post.content, 1), captionShown(post.content, 2)];
    expect(second).not.toBe(first);
    expect(String(final?.json?.content)).toContain(second);
    expect(String(final?.json?.content)).not.toContain(first);
    expect(String(final?.json?.content)).toContain("Alt text: A red frisbee in flight over a green lawn");
    expect(final?.files.map((f) => f.name)).toEqual(["post-instagram.jpg"]);
    expect((final?.json?.message_reference as { message_id?: string })?.message_id).toBe(post.messageId);

    // Frozen: no more refinements, no second approval.
    expect(
      await ephemeral(click({ messageId: post.messageId, customId: `post:${post.postId}:shorter` })),
    ).toMatch(/approved by alice; run \/post again/);
    expect(
      await ephemeral(
        click({
          messageId: post.messageId,
          customId: `post:${post.postId}:approve-1`,
          user: carol,
          roles: [APPROVER_ROLE],
        }),
      ),
    ).toMatch(/already approved \(caption 2, by alice\)/);
  });

  it("a member with the approver role may approve someone else's post", async () => {
    const post = await slashPost("instagram");
    const before = channelPosts().length;
    click({
      messageId: post.messageId,
      customId: `post:${post.postId}:approve-1`,
      user: carol,
      roles: [APPROVER_ROLE],
    });
    await waitFor(() => channelPosts().length > before, 20_000, "the final message");
    expect(String(channelPosts().at(-1)?.json?.content)).toMatch(/approved by carol/);
  });

  it("a click after the post expired gets a clear ephemeral message", async () => {
    const id = click({ messageId: "1", customId: "post:discord:123456:shorter" });
    expect(await ephemeral(id)).toBe("This post has expired; run /post again.");
  });

  it("with a Mastodon account, the requester's Approve publishes nothing and says who can", async () => {
    const post = await slashPost("mastodon");
    const before = channelPosts().length;
    const id = click({ messageId: post.messageId, customId: `post:${post.postId}:approve-1` });
    expect(await ephemeral(id)).toBe(
      `Approving this post publishes it to Mastodon, so only an approver can: a member with the role <@&${APPROVER_ROLE}>.`,
    );
    expect(channelPosts()).toHaveLength(before);
    expect(mastodon.statuses).toHaveLength(0);
  });

  it("with a Mastodon account, an approver's Approve publishes once and links the live post; a 429 leaves it pending with Retry", async () => {
    const post = await slashPost("mastodon");
    mastodon.hooks.failNext("POST /api/v1/statuses", {
      status: 429,
      body: { error: "Too many requests" },
      headers: { "retry-after": "30" },
    });
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    const before = channelPosts().length;
    click({ messageId: post.messageId, customId: `post:${post.postId}:approve-1`, ...asCarol });
    await waitFor(() => channelPosts().length > before, 20_000, "the failure");
    const failed = channelPosts().at(-1);
    expect(String(failed?.json?.content)).toMatch(
      /Mastodon is rate-limiting this account.*still pending.*Press Retry/s,
    );
    expect(JSON.stringify(failed?.json?.components)).toContain(`"custom_id":"post:${post.postId}:retry"`);
    expect(mastodon.statuses).toHaveLength(0);

    // The requester may not retry a publish either; the approver may.
    expect(
      await ephemeral(click({ messageId: post.messageId, customId: `post:${post.postId}:retry` })),
    ).toMatch(/^Approving this post publishes it to Mastodon, so only an approver can/);
    click({ messageId: post.messageId, customId: `post:${post.postId}:retry`, ...asCarol });
    await waitFor(() => channelPosts().length > before + 1, 20_000, "the published message");
    const published = channelPosts().at(-1);
    expect(mastodon.statuses).toHaveLength(1);
    const status = mastodon.statuses[0];
    expect(String(published?.json?.content)).toContain(
      `✅ Published to Mastodon (approved by carol): ${mastodon.url}/@team/${status?.id}`,
    );
    expect(mastodon.media.at(-1)?.description).toBe("A red frisbee in flight over a green lawn");
    expect(status?.mediaIds).toEqual([mastodon.media.at(-1)?.id]);

    // Published: another Approve is refused and nothing is posted again.
    expect(
      await ephemeral(
        click({ messageId: post.messageId, customId: `post:${post.postId}:approve-1`, ...asCarol }),
      ),
    ).toMatch(/already approved/);
    expect(mastodon.statuses).toHaveLength(1);
  });

  it("Schedule…: an approver's slot is answered in Discord's time markup, the card shows it and offers no second approval, Cancel by the requester is refused, and at the time the card says Published with the link and the scheduler is told", async () => {
    const post = await slashPost("mastodon");
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    const menu = `post:${post.postId}:schedule`;
    expect(menuShown(post.postId, menu)).toContain('"placeholder":"Schedule…"');
    // An option's value is the caption and the instant the menu showed: here one a few seconds away.
    const at = Math.floor(Date.now() / 1000) + 6;
    const choose = (who: object) =>
      click({ messageId: post.messageId, customId: menu, values: [`1-${at}`], ...who });
    expect(await ephemeral(choose({}))).toMatch(
      /^Scheduling this post publishes it to Mastodon, so only an approver can: a member with the role/,
    );
    const before = mastodon.statuses.length;
    const posted = channelPosts().length;
    expect(await ephemeral(choose(asCarol))).toBe(`Scheduled: caption 1 goes out <t:${at}:F> (<t:${at}:R>).`);
    // The card itself says when, and offers no second approval (the captions are still there).
    const scheduledCard = cardMessage(post.messageId);
    expect(scheduledCard?.content).toBe(
      `🕒 Scheduled for <t:${at}:F> (<t:${at}:R>) by carol (caption 1)\n\n${post.content}`,
    );
    expect(scheduledCard?.components).toEqual([]);
    // /scheduled lists it for the server (anyone may look), in Discord's time markup, with Cancel.
    const listed = await slashAnswer("scheduled", []);
    expect(listed?.flags).toBe(64 | 32768); // ephemeral, layout components
    const list = listEntries(listed?.components);
    expect(list.title).toBe("**Scheduled posts (1), soonest first**");
    expect(list.entries[0]?.text).toMatch(new RegExp(`^<t:${at}:F> \\(<t:${at}:R>\\) · Mastodon · `));
    expect(list.entries[0]?.buttons).toContain(`Cancel=post:${post.postId}:unschedule`);
    expect(
      (await slashAnswer("timezone", [{ name: "zone", type: 3, value: "Europe/Berlin" }]))?.content,
    ).toBe("Your time zone is now Europe/Berlin; times typed for the posts you ask for are read there.");
    expect(
      await ephemeral(click({ messageId: post.messageId, customId: `post:${post.postId}:unschedule` })),
    ).toBe("Only carol or an approver can change this scheduled post.");
    expect(
      await ephemeral(
        click({ messageId: post.messageId, customId: `post:${post.postId}:approve-1`, ...asCarol }),
      ),
    ).toBe("This post is scheduled (caption 1, by carol).");
    await waitFor(() => channelPosts().length > posted, 30_000, "the published message");
    expect(mastodon.statuses).toHaveLength(before + 1);
    const status = mastodon.statuses.at(-1);
    expect(Date.parse(status?.createdAt ?? "")).toBeGreaterThanOrEqual(at * 1000);
    const link = `${mastodon.url}/@team/${status?.id}`;
    // The scheduler is told in one short line; the card message itself says Published, with the link.
    expect(channelPosts().at(-1)?.json?.content).toBe(
      `<@${carol.id}>, your scheduled post: ✅ Published to Mastodon (approved by carol): ${link}`,
    );
    expect(channelPosts()).toHaveLength(posted + 1);
    const publishedCard = cardMessage(post.messageId);
    expect(publishedCard?.content).toBe(
      `Published ✅ ${link} (Mastodon, caption 1, scheduled by carol)\n\n${post.content}`,
    );
    expect(publishedCard?.components).toEqual([]);
  });

  it("Cancel from /scheduled opens the scheduled card again: Approve and Schedule… are back, nothing is published", async () => {
    const post = await slashPost("mastodon");
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    const at = Math.floor(Date.now() / 1000) + 3600;
    const before = mastodon.statuses.length;
    const choose = {
      messageId: post.messageId,
      customId: `post:${post.postId}:schedule`,
      values: [`2-${at}`],
    };
    expect(await ephemeral(click({ ...choose, ...asCarol }))).toMatch(/^Scheduled: caption 2 goes out/);
    expect(cardMessage(post.messageId)?.content).toBe(
      `🕒 Scheduled for <t:${at}:F> (<t:${at}:R>) by carol (caption 2)\n\n${post.content}`,
    );
    expect(
      await ephemeral(
        click({ messageId: post.messageId, customId: `post:${post.postId}:unschedule`, ...asCarol }),
      ),
    ).toBe("Cancelled: nothing will be published. The post can be approved again.");
    const open = cardMessage(post.messageId);
    expect(open?.content).toBe(post.content);
    const components = JSON.stringify(open?.components);
    for (const action of ["approve-1", "approve-2", "schedule"])
      expect(components).toContain(`"custom_id":"post:${post.postId}:${action}"`);
    expect(mastodon.statuses).toHaveLength(before);
  });

  it("/scheduled lists two posts soonest first, each with a thumbnail and Publish now, Reschedule and Cancel; Publish now is the scheduler's or an approver's, and publishes once", async () => {
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    const later = await slashPost("mastodon", await colourPhoto("red", 640, 480));
    const sooner = await slashPost("mastodon", await colourPhoto("blue", 640, 480));
    const atLater = Math.floor(Date.now() / 1000) + 7200;
    const atSooner = atLater - 3600;
    for (const [post, at] of [
      [later, atLater],
      [sooner, atSooner],
    ] as const)
      expect(
        await ephemeral(
          click({
            messageId: post.messageId,
            customId: `post:${post.postId}:schedule`,
            values: [`1-${at}`],
            ...asCarol,
          }),
        ),
      ).toBe(`Scheduled: caption 1 goes out <t:${at}:F> (<t:${at}:R>).`);

    const { data, files } = await slashCallback("scheduled", []);
    expect(data?.flags).toBe(64 | 32768);
    const list = listEntries(data?.components);
    expect(list.title).toBe("**Scheduled posts (2), soonest first**");
    expect(list.entries.map((e) => e.text.split("\n")[0]?.split(" · ")[0])).toEqual([
      `<t:${atSooner}:F> (<t:${atSooner}:R>)`,
      `<t:${atLater}:F> (<t:${atLater}:R>)`,
    ]);
    expect(list.entries.map((e) => e.buttons)).toEqual(
      [sooner, later].map((p) => [
        `Publish now=post:${p.postId}:publish-now`,
        `Reschedule=post:${p.postId}:reschedule`,
        `Cancel=post:${p.postId}:unschedule`,
      ]),
    );
    expect(list.entries[0]?.text).toContain("-# scheduled by carol");
    // Each entry's thumbnail is a small JPEG of its own photo, uploaded with the answer.
    expect(list.entries.map((e) => e.thumbnail)).toEqual([
      "attachment://thumb-1.jpg",
      "attachment://thumb-2.jpg",
    ]);
    expect(files.map((f) => f.name)).toEqual(["thumb-1.jpg", "thumb-2.jpg"]);
    const thumbs = await Promise.all(files.map((f) => sharp(f.bytes).stats()));
    const meta = await Promise.all(files.map((f) => sharp(f.bytes).metadata()));
    expect(meta.map((m) => [m.format, Math.max(m.width ?? 0, m.height ?? 0)])).toEqual([
      ["jpeg", 160],
      ["jpeg", 160],
    ]);
    // The sooner one is the blue photo, the later one the red.
    const [blue, red] = thumbs.map((t) => t.channels.map((c) => Math.round(c.mean)));
    expect((blue?.[2] ?? 0) > (blue?.[0] ?? 0) && (red?.[0] ?? 0) > (red?.[2] ?? 0)).toBe(true);

    const approvalId = `${sooner.postId}:approve:0`;
    const delayed = () =>
      redis.zscore(`${prefix}:${bullQueueName("requests")}:delayed`, jobIdFor(approvalId));
    expect(await delayed()).not.toBeNull();
    const listMessage = nextId();
    const fromList = (customId: string, who: object = {}) =>
      click({ messageId: listMessage, customId, flags: 64, ...who });

    // alice asked for the post but did not schedule it and is no approver: refused, nothing published.
    const statuses = mastodon.statuses.length;
    const refusedClick = fromList(`post:${sooner.postId}:publish-now`);
    expect(await ephemeral(refusedClick)).toBe("Only carol or an approver can change this scheduled post.");
    expect(webhookEdits(refusedClick)).toHaveLength(0);
    expect(mastodon.statuses).toHaveLength(statuses);
    expect(await delayed()).not.toBeNull();

    // carol, who scheduled it: published once, the delayed job gone, the list drawn without it.
    const posted = channelPosts().length;
    const publish = fromList(`post:${sooner.postId}:publish-now`, asCarol);
    expect(await ephemeral(publish)).toBe("Publishing to Mastodon now.");
    await waitFor(() => webhookEdits(publish).length > 0, 10_000, "the list drawn again");
    const redrawn = listEntries(webhookEdits(publish)[0]?.json?.components);
    expect(redrawn.title).toBe("**Scheduled posts (1), soonest first**");
    expect(redrawn.entries.map((e) => e.buttons[0])).toEqual([
      `Publish now=post:${later.postId}:publish-now`,
    ]);
    expect(webhookEdits(publish)[0]?.files.map((f) => f.name)).toEqual(["thumb-1.jpg"]);
    await waitFor(() => channelPosts().length > posted, 30_000, "the published message");
    expect(mastodon.statuses).toHaveLength(statuses + 1);
    expect(mastodon.statuses.at(-1)?.text).toContain(captionShown(sooner.content, 1).slice(0, 20));
    expect(await delayed()).toBeNull();
    expect(String(channelPosts().at(-1)?.json?.content)).toContain(
      `<@${carol.id}>, your scheduled post: ✅ Published to Mastodon (approved by carol)`,
    );

    // Cancel from the list: one sentence, and the list is empty.
    const cancel = fromList(`post:${later.postId}:unschedule`, asCarol);
    expect(await ephemeral(cancel)).toBe(
      "Cancelled: nothing will be published. The post can be approved again.",
    );
    await waitFor(() => webhookEdits(cancel).length > 0, 10_000, "the emptied list");
    expect(listEntries(webhookEdits(cancel)[0]?.json?.components).title).toBe("**Nothing is scheduled.**");
    expect(mastodon.statuses).toHaveLength(statuses + 1);
  });

  it("a scheduled post the network refuses says so on its card, with Retry; the scheduler is told; Retry publishes it and the card says so", async () => {
    const post = await slashPost("mastodon");
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    mastodon.hooks.failNext("POST /api/v2/media", {
      status: 401,
      body: { error: "The access token is invalid" },
    });
    const at = Math.floor(Date.now() / 1000) + 4;
    const posted = channelPosts().length;
    const choose = {
      messageId: post.messageId,
      customId: `post:${post.postId}:schedule`,
      values: [`1-${at}`],
    };
    expect(await ephemeral(click({ ...choose, ...asCarol }))).toMatch(/^Scheduled: caption 1 goes out/);
    await waitFor(() => channelPosts().length > posted, 30_000, "the scheduler's note");
    expect(channelPosts()).toHaveLength(posted + 1);
    const told = channelPosts().at(-1)?.json;
    expect(String(told?.content)).toMatch(
      new RegExp(
        `^<@${carol.id}>, your scheduled post: ⚠️ Mastodon refused our credentials.*Press Retry to try again\\.$`,
        "s",
      ),
    );
    expect(told?.components).toEqual([]);
    const failed = cardMessage(post.messageId);
    expect(String(failed?.content)).toMatch(
      /^⚠️ Not published to Mastodon: Mastodon refused our credentials.* \(caption 1, scheduled by carol\)\. Press Retry to try again\.\n\n/s,
    );
    const components = JSON.stringify(failed?.components);
    expect(components).toContain(`"custom_id":"post:${post.postId}:retry"`);
    expect(components).not.toContain(`post:${post.postId}:approve-1`);

    const before = mastodon.statuses.length;
    click({ messageId: post.messageId, customId: `post:${post.postId}:retry`, ...asCarol });
    await waitFor(
      () => String(cardMessage(post.messageId)?.content).startsWith("Published ✅"),
      20_000,
      "the card saying Published",
    );
    expect(mastodon.statuses).toHaveLength(before + 1);
    expect(cardMessage(post.messageId)?.content).toBe(
      `Published ✅ ${mastodon.url}/@team/${mastodon.statuses.at(-1)?.id} (Mastodon, caption 1, scheduled by carol)\n\n${post.content}`,
    );
    expect(cardMessage(post.messageId)?.components).toEqual([]);
  });

  it("Other time… opens a modal whose words are read in the /timezone of the member the post is for (a past time refused), and Reschedule's modal moves the delayed job", async () => {
    const post = await slashPost("mastodon");
    const asCarol = { user: carol, roles: [APPROVER_ROLE] };
    const menu = `post:${post.postId}:schedule`;
    expect(menuShown(post.postId, menu)).toContain('{"value":"2-other","label":"Caption 2 · Other time…"}');
    // alice asked for the post from Berlin; carol, the approver, sits in Tokyo.
    expect(
      (await slashAnswer("timezone", [{ name: "zone", type: 3, value: "Europe/Berlin" }], alice))?.content,
    ).toBe("Your time zone is now Europe/Berlin; times typed for the posts you ask for are read there.");
    await slashAnswer("timezone", [{ name: "zone", type: 3, value: "Asia/Tokyo" }], carol);

    const modal = await modalShown(
      click({ messageId: post.messageId, customId: menu, values: ["1-other"], ...asCarol }),
    );
    expect(modal).toMatchObject({
      custom_id: `when:1:${post.postId}`,
      title: "Schedule caption 1",
      components: [
        {
          type: 18,
          label: "When? e.g. tomorrow 9am, next friday 17:30",
          component: { type: 4, custom_id: "when", style: 1, required: true },
        },
      ],
    });
    const typed = (words: string, customId = String(modal.custom_id), who: object = asCarol) =>
      ephemeral(typeTime({ messageId: post.messageId, customId, words, user: carol, ...who }));
    expect(await typed("1 March 2025 10:00")).toBe(
      "Saturday 1 March 2025 10:00 (Europe/Berlin) has already passed; pick a time in the future.",
    );
    const approvalId = `${post.postId}:approve:0`;
    expect(await schedule.get(approvalId)).toBeUndefined();
    const nine = tomorrowAt("Europe/Berlin", "09:00") / 1000;
    expect(await typed("tomorrow 9am")).toBe(
      `Scheduled: caption 1 goes out <t:${nine}:F> (<t:${nine}:R>). "tomorrow 9am" was read in Europe/Berlin, the time zone of alice.`,
    );
    expect((await schedule.get(approvalId))?.at).toBe(nine * 1000);

    // Reschedule, a button of /scheduled's list (ephemeral), opens the same modal for the scheduled caption.
    const list = { messageId: nextId(), flags: 64 };
    const again = await modalShown(
      click({ ...list, customId: `post:${post.postId}:reschedule`, user: alice }),
    );
    expect(again).toMatchObject({ custom_id: `when:r:${post.postId}`, title: "Reschedule" });
    const moveTo = (words: string, who: { user: DiscordUser; roles?: string[] }) =>
      typeTime({ ...list, customId: String(again.custom_id), words, ...who });
    expect(await ephemeral(moveTo("tomorrow 17:30", { user: alice }))).toBe(
      "Only carol or an approver can change this scheduled post.",
    );
    const half = tomorrowAt("Europe/Berlin", "17:30") / 1000;
    const moved = moveTo("tomorrow 17:30", asCarol);
    expect(await ephemeral(moved)).toBe(`Rescheduled: caption 1 goes out <t:${half}:F> (<t:${half}:R>).`);
    // The list is drawn again with the new time.
    await waitFor(() => webhookEdits(moved).length > 0, 10_000, "the list drawn again");
    expect(JSON.stringify(webhookEdits(moved)[0]?.json?.components)).toContain(`<t:${half}:F>`);
    // changeDelay counts from BullMQ's own clock reading, a millisecond or so after ours.
    expect(Math.floor(((await schedule.get(approvalId))?.at ?? 0) / 1000)).toBe(half);
    expect(await schedule.cancel(approvalId)).toBe("done");
  });

  it("every message sent carries allowed_mentions with no parse", () => {
    for (const r of stand.requests)
      if (r.json && "content" in r.json)
        expect(r.json.allowed_mentions, `${r.method} ${r.path}`).toEqual(
          expect.objectContaining({ parse: [] }),
        );
  });
});
