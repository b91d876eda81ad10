import { REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../src/log.js";
import { loggedSince, logMark } from "../../helpers/log-capture.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { DISCORD_TEST_TOKEN } from "../../helpers/secrets.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { describePhoto, slashCommand } from "./payloads.js";
import { APP_ID, type Recorded } from "./stand-in.js";

/**
 * Real discord.js errors, made by the real REST client against the stand-in, logged the way the
 * delivery worker and the adapter log them: the line names the code, status, method and route,
 * and holds neither the interaction token nor the message that was being sent.
 */
const BODY = "the words of the answer that Discord refused";

const CH = "900000000000000001";
let t: DiscordUnderTest;
let stand: DiscordUnderTest["stand"];
let rest: REST;

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-logs"), channels: [CH] });
  stand = t.stand;
  rest = new REST({ version: "10", api: stand.api, rejectOnRateLimit: () => true, retries: 0 }).setToken(
    DISCORD_TEST_TOKEN,
  );
});
afterAll(() => t?.close());

async function logged(send: () => Promise<unknown>): Promise<{ err: unknown; line: string }> {
  const err = await send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const mark = logMark();
  logger().warn({ err, requestId: "r1" }, "delivery failed");
  logger().error(err as Error);
  const lines = loggedSince(mark);
  expect(lines).toHaveLength(2);
  return { err, line: JSON.stringify(lines) };
}

describe("a delivery that Discord refuses, in the log", () => {
  it("an interaction reply refused past the client's retries logs status and route, not the token or the answer", async () => {
    const id = "900000000000000051";
    const token = `token-${id}`;
    const finalEdit = (r: Recorded) =>
      r.method === "PATCH" &&
      r.path === `/webhooks/${APP_ID}/${token}/messages/@original` &&
      Array.isArray(r.json?.components) &&
      r.json.components.length === 0;
    // One request and discord.js's three retries: the delivery itself fails once, then its retry posts.
    const fault = stand.refuse(finalEdit, 4);
    const mark = logMark();
    stand.dispatch("INTERACTION_CREATE", await describePhoto(stand, { id, channel: CH, colour: "red" }));
    await waitFor(
      () => t.webhookEdits(id).some((r) => finalEdit(r) && r.status === 200),
      30_000,
      "the answer, once the delivery's retry posts it",
    );
    expect(fault.refused).toHaveLength(4);
    const answer = String(fault.refused[0]?.json?.content);
    const failed = loggedSince(mark).filter((l) => l.msg === "delivery failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.err).toMatchObject({
      status: 500,
      method: "PATCH",
      route: "/webhooks/:id/:token/messages/@original",
    });
    const text = JSON.stringify(loggedSince(mark));
    expect(text).not.toContain(token);
    expect(text).not.toContain(answer);
  });
});

describe("a discord.js error in the log", () => {
  it("10062 (an expired interaction) names code, status, method and route, not the token or body", async () => {
    const i = slashCommand({
      id: "500000000000000001",
      channel: "900000000000000001",
      name: "ask",
      options: [],
    });
    stand.dispatch("INTERACTION_CREATE", i, { lateByMs: 60_000 });
    const { err, line } = await logged(() =>
      rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: BODY } } }),
    );
    // The error itself carries both: the log must not.
    expect(JSON.stringify({ url: (err as { url: string }).url })).toContain(i.token);
    expect(line).not.toContain(i.token);
    expect(line).not.toContain(BODY);
    const first = (JSON.parse(line) as { err: Record<string, unknown> }[])[0]?.err;
    expect(first).toMatchObject({
      code: 10062,
      status: 404,
      method: "POST",
      route: "/interactions/:id/:token/callback",
    });
  });

  it("429 (a rate-limited interaction reply) names the route without the token", async () => {
    const before = stand.limits.bucket;
    stand.limits.bucket = { limit: 1, windowMs: 60_000 };
    const token = "token-500000000000000002";
    const edit = () =>
      rest.patch(Routes.webhookMessage(APP_ID, token), { body: { content: BODY }, auth: false });
    await edit().catch(() => undefined); // spends the bucket
    const { err, line } = await logged(edit);
    expect((err as { majorParameter: string }).majorParameter).toContain(token);
    expect(line).not.toContain(token);
    expect(line).not.toContain(BODY);
    expect(line).not.toContain(DISCORD_TEST_TOKEN);
    const first = (JSON.parse(line) as { err: Record<string, unknown> }[])[0]?.err;
    expect(first).toMatchObject({ method: "PATCH", route: "/webhooks/:id/:token/messages/@original" });
    expect(String(first?.type)).toMatch(/^RateLimitError/);
    stand.limits.bucket = before;
  });
});
