import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeb } from "../../../src/bots/web/index.js";
import { colourPhoto } from "../../helpers/images.js";
import { LINKEDIN_TEST_PAGE, startPostEngine } from "../../helpers/post-engine.js";
import { postModel } from "../../helpers/post-model.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { type WebClient, type WebEventJson, webClient } from "../../helpers/web-client.js";

/**
 * Publishing from the playground, with Mastodon, Pixelfed and LinkedIn accounts configured
 * (loopback stand-ins; "no approvers" has only Mastodon's): the
 * team signs in with WEB_PASSWORD, approvers with WEB_APPROVER_PASSWORD, and only an approver's
 * Approve publishes. Without an approver password nobody publishes; approvals are ready to post.
 * Wrong passwords are limited per address.
 */
const redis = newRedis();
const TEAM = "team-password-for-tests";
const APPROVER = "approver-password-for-tests";

async function playground(
  label: string,
  secrets: { webPassword: string; webApproverPassword?: string },
  networks: "mastodon" | "all" = "mastodon",
) {
  const prefix = uniquePrefix(label);
  const stack = await startPostEngine({
    prefix,
    model: postModel(),
    config: (mastodonUrl, more) =>
      testConfig({
        redis: { prefix },
        web: { port: 0, host: "127.0.0.1" },
        publish: {
          mastodon: { instanceUrl: mastodonUrl },
          ...(networks === "all"
            ? {
                pixelfed: { instanceUrl: more.pixelfedUrl },
                linkedin: {
                  author: LINKEDIN_TEST_PAGE,
                  apiUrl: more.linkedinUrl,
                  uploadOrigins: [more.linkedinUrl],
                },
              }
            : {}),
        },
      }),
  });
  const web = await startWeb({ config: stack.config, secrets, redisUrl: redisUrl() });
  return {
    web,
    mastodon: stack.mastodon,
    pixelfed: stack.pixelfed,
    linkedin: stack.linkedin,
    async close() {
      await web.close();
      await stack.close();
      await dropPrefix(redis, prefix);
    },
  };
}

type Delivery = WebEventJson & { delivery: { requestId: string; text: string; reply: { post?: string } } };

/** Posts a photo for a network (Mastodon unless said) and waits for the card; resolves with the post's id. */
async function mastodonPost(
  client: WebClient,
  stream: WebEventJson[],
  platform = "mastodon",
): Promise<string> {
  const sent = await client.send(`/post ${platform} variants 2`, await colourPhoto("red", 320, 240));
  expect(sent.status, JSON.stringify(sent.json)).toBe(200);
  const id = String(sent.json.requestId);
  await waitFor(
    () => stream.some((e) => e.type === "delivery" && (e as Delivery).delivery.requestId === id),
    30_000,
    "the post card",
  );
  return id;
}

const approve = (client: WebClient, postId: string) =>
  client.fetch(`/api/posts/${encodeURIComponent(postId)}/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "approve-1" }),
  });

/** The final message an approval posted (the delivery of the approve job). */
async function finalMessage(stream: WebEventJson[], approvalId: string): Promise<string> {
  const find = () =>
    stream.find(
      (e): e is Delivery => e.type === "delivery" && (e as Delivery).delivery.requestId === approvalId,
    );
  await waitFor(() => Boolean(find()), 30_000, "the final message");
  return String(find()?.delivery.text);
}

afterAll(() => redis.disconnect());

describe("with WEB_APPROVER_PASSWORD", () => {
  let p: Awaited<ReturnType<typeof playground>>;
  beforeAll(async () => {
    p = await playground("web-approvers", { webPassword: TEAM, webApproverPassword: APPROVER });
  }, 60_000);
  afterAll(() => p?.close());

  it("the requester's Approve publishes nothing and says who can; an approver's publishes", async () => {
    const team = await webClient(p.web.url, { password: TEAM });
    const teamEvents = await team.events();
    const postId = await mastodonPost(team, teamEvents.events);
    const refused = await approve(team, postId);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error:
        "Approving this post publishes it to Mastodon, so only an approver can: someone signed in with the approver password (WEB_APPROVER_PASSWORD).",
    });
    expect(p.mastodon.statuses).toHaveLength(0);
    teamEvents.close();

    const approver = await webClient(p.web.url, { user: "lead", password: APPROVER });
    const events = await approver.events();
    const own = await mastodonPost(approver, events.events);
    const accepted = await approve(approver, own);
    expect(accepted.status).toBe(200);
    const text = await finalMessage(
      events.events,
      String(((await accepted.json()) as { requestId: string }).requestId),
    );
    expect(p.mastodon.statuses).toHaveLength(1);
    expect(text).toContain(
      `✅ Published to Mastodon (approved by you): ${p.mastodon.url}/@team/${p.mastodon.statuses[0]?.id}`,
    );
    events.close();
  }, 90_000);
});

describe("with Pixelfed and LinkedIn accounts as well", () => {
  let p: Awaited<ReturnType<typeof playground>>;
  beforeAll(async () => {
    p = await playground("web-networks", { webPassword: TEAM, webApproverPassword: APPROVER }, "all");
  }, 60_000);
  afterAll(() => p?.close());

  it("a LinkedIn (square) post is the page's to publish: refused to the team, published once by an approver", async () => {
    const team = await webClient(p.web.url, { password: TEAM });
    const teamEvents = await team.events();
    const refused = await approve(team, await mastodonPost(team, teamEvents.events, "linkedin-square"));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /^Approving this post publishes it to LinkedIn, so only an approver can/,
    );
    teamEvents.close();

    const approver = await webClient(p.web.url, { user: "lead", password: APPROVER });
    const events = await approver.events();
    const accepted = await approve(approver, await mastodonPost(approver, events.events, "linkedin-square"));
    const text = await finalMessage(
      events.events,
      String(((await accepted.json()) as { requestId: string }).requestId),
    );
    expect(p.linkedin.posts).toHaveLength(1);
    const [made] = p.linkedin.posts;
    expect(made?.author).toBe(LINKEDIN_TEST_PAGE);
    expect(made?.media?.altText).toBeTruthy();
    expect(text).toContain(
      `✅ Published to LinkedIn (approved by you): https://www.linkedin.com/feed/update/${made?.urn}/`,
    );
    expect(text).toContain(made?.text.split("\n")[0] ?? "(no text)");

    const pixelfed = await approve(approver, await mastodonPost(approver, events.events, "pixelfed"));
    const said = await finalMessage(
      events.events,
      String(((await pixelfed.json()) as { requestId: string }).requestId),
    );
    expect(p.pixelfed.statuses).toHaveLength(1);
    expect(p.pixelfed.media[0]?.description).toBeTruthy();
    expect(said).toContain(
      `✅ Published to Pixelfed (approved by you): ${p.pixelfed.url}/p/team/${p.pixelfed.statuses[0]?.id}`,
    );
    expect(p.mastodon.statuses).toHaveLength(0);
    events.close();
  }, 90_000);
});

describe("with a Mastodon account but no approvers", () => {
  let p: Awaited<ReturnType<typeof playground>>;
  beforeAll(async () => {
    p = await playground("web-no-approvers", { webPassword: TEAM });
  }, 60_000);
  afterAll(() => p?.close());

  it("publishing stays off: the requester's approval is ready to post and nothing is published", async () => {
    const team = await webClient(p.web.url, { password: TEAM });
    const events = await team.events();
    const postId = await mastodonPost(team, events.events);
    const res = await approve(team, postId);
    expect(res.status).toBe(200);
    const text = await finalMessage(
      events.events,
      String(((await res.json()) as { requestId: string }).requestId),
    );
    expect(text).toMatch(
      /^✅ Ready to post \(approved by you\)\. Not published to Mastodon: that needs an approver\./,
    );
    expect(p.mastodon.statuses).toHaveLength(0);
    events.close();
  }, 60_000);

  it("ten wrong passwords a minute from one address, then 429 with Retry-After (the right one too)", async () => {
    const as = (password: string) =>
      fetch(`${p.web.url}/`, {
        headers: { authorization: `Basic ${Buffer.from(`team:${password}`).toString("base64")}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await as(`wrong-${i}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const locked = await as(TEAM);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });
});
