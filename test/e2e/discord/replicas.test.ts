import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { componentClick, describePhoto, HUMAN, memberMessage } from "./payloads.js";
import { type DiscordReplicas, startDiscordReplicas } from "./replicas.js";
import { BOT_ID } from "./stand-in.js";

/**
 * Two Discord adapter replicas (real discord.js clients on one stand-in, one Redis): whatever
 * one replica starts, the other can finish, because the conversation's state is in Redis.
 */
const CH = {
  slash: "430000000000000001",
  stop: "430000000000000002",
  kill: "430000000000000003",
};
/** A member's permissions without Manage Messages: only their own requests are theirs to stop. */
const PLAIN = "1024";
const BOB = { ...HUMAN, id: "500000000000000002", username: "bob", global_name: "bob" };
const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`);

let t: DiscordReplicas;
let b: Awaited<ReturnType<DiscordReplicas["inProcess"]>>;

beforeAll(async () => {
  t = await startDiscordReplicas({ prefix: uniquePrefix("discord-replicas"), channels: Object.values(CH) });
  b = await t.inProcess(); // replica B, in this process for every test
}, 60_000);

afterAll(() => t?.close());

const contentOf = (r: { json?: Record<string, unknown> }) => String(r.json?.content ?? "");
const callback = (id: string) => t.stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));

describe("two Discord replicas on one Redis", () => {
  it("a slash command received by A, whose delivery B takes (A has left), is answered in the command's own reply", async () => {
    const a = await t.inProcess();
    const all = words(40, "a");
    t.engine.use(pacedModel(all, 100));
    const id = "930000000000000001";
    const sent = t.stand.dispatch(
      "INTERACTION_CREATE",
      await describePhoto(t.stand, { id, channel: CH.slash, colour: "red" }),
      { to: a.to },
    );
    expect(sent).toBe(1); // A alone received it
    await waitFor(
      () => t.webhook(id, "PATCH", true).some((r) => contentOf(r).startsWith("a1")),
      20_000,
      "A drawing the first words into the reply",
    );
    expect(callback(id)?.json?.type).toBe(5); // A deferred it
    await a.close();
    const leftAt = Date.now();

    const final = all.join(" ");
    // Wherever it lands (the reply, or the channel when the token could not be used), then where.
    await waitFor(
      () => t.stand.requests.some((r) => r.status === 200 && contentOf(r).includes(final)),
      30_000,
      "the answer",
    );
    await new Promise((r) => setTimeout(r, 1500)); // room for a second copy, were one coming
    expect(t.stand.messagesIn(CH.slash).map((m) => m.content)).toEqual([final]);
    const finals = t.webhook(id, "PATCH", true).filter((r) => contentOf(r) === final);
    expect(finals).toHaveLength(1);
    expect(finals[0]?.at).toBeGreaterThanOrEqual(leftAt); // B drew it: A was gone
    expect(finals[0]?.json?.components).toEqual([]); // no Stop left on the answer
    // The command's reply is the answer, and nothing else was said anywhere.
    const reply = t.stand.interactionMessages(`token-${id}`);
    expect(reply.map((m) => m.content)).toEqual([final]);
    expect(t.webhook(id, "POST")).toHaveLength(0);
  });

  it("Stop through B stops what A placed, and someone else's Stop is refused through either", async () => {
    const a = await t.inProcess();
    try {
      const paced = t.engine.use(pacedModel(words(150, "s"), 100));
      const id = "930000000000000002";
      t.stand.dispatch(
        "INTERACTION_CREATE",
        await describePhoto(t.stand, { id, channel: CH.stop, colour: "blue" }),
        { to: a.to },
      );
      await waitFor(
        () => t.webhook(id, "PATCH", true).some((r) => contentOf(r).startsWith("s1")),
        20_000,
        "first words",
      );
      const messageId = String(t.stand.interactionMessages(`token-${id}`)[0]?.id);
      const click = (clickId: string, user: typeof HUMAN, to: number) =>
        t.stand.dispatch(
          "INTERACTION_CREATE",
          componentClick({
            id: clickId,
            channel: CH.stop,
            messageId,
            customId: `stop:discord:${id}`,
            user,
            permissions: PLAIN,
          }),
          { to },
        );
      const refusal = { type: 4, data: { content: "Only the person who asked can stop this.", flags: 64 } };
      click("931000000000000001", BOB, b.to);
      await waitFor(() => Boolean(callback("931000000000000001")), 5000, "B's answer to Bob");
      expect(callback("931000000000000001")?.json).toMatchObject(refusal);
      click("931000000000000002", BOB, a.to);
      await waitFor(() => Boolean(callback("931000000000000002")), 5000, "A's answer to Bob");
      expect(callback("931000000000000002")?.json).toMatchObject(refusal);
      expect(paced.aborts).toBe(0);

      click("931000000000000003", HUMAN, b.to);
      await waitFor(
        () => t.webhook(id, "PATCH", true).some((r) => contentOf(r).endsWith("Stopped.")),
        20_000,
        "Stopped.",
      );
      expect(callback("931000000000000003")?.json?.type).toBe(6); // B took the click as an update
      expect(paced.aborts).toBe(1);
      const said = String(t.stand.interactionMessages(`token-${id}`)[0]?.content);
      expect(said).toMatch(/^s1 s2 .*\n\nStopped\.$/s);
      expect(said).not.toContain("s150");
    } finally {
      await a.close();
    }
  });

  it("a replica killed with SIGKILL mid-answer leaves the other to finish it, exactly once, in the same reply", async () => {
    const a = await t.child();
    const all = words(40, "k");
    t.engine.use(pacedModel(all, 100));
    const att = t.stand.attachment("730000000000000003", "green.png", await colourPhoto("green"));
    const asked = "830000000000000003";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: asked,
        channel: CH.kill,
        content: `<@${BOT_ID}> describe this`,
        attachments: [att],
        mentionBot: true,
      }),
      { to: a.to },
    );
    const posts = () =>
      t.stand.requests.filter((r) => r.method === "POST" && r.path === `/channels/${CH.kill}/messages`);
    const edits = () =>
      t.stand.requests.filter(
        (r) => r.method === "PATCH" && r.path.startsWith(`/channels/${CH.kill}/messages/`),
      );
    await waitFor(
      () => edits().some((r) => contentOf(r).startsWith("k1") && contentOf(r).endsWith("▌")),
      30_000,
      `A drawing the first words\n${a.output()}`,
    );
    await a.kill9();
    const killedAt = Date.now();

    const final = all.join(" ");
    await waitFor(() => edits().some((r) => contentOf(r) === final), 30_000, "the answer");
    await new Promise((r) => setTimeout(r, 1500)); // room for a second copy, were one coming
    // One reply: A's placeholder, which B turned into the answer, once.
    expect(posts()).toHaveLength(1);
    const placeholder = t.stand.messagesIn(CH.kill)[0];
    expect(t.stand.messagesIn(CH.kill)).toHaveLength(1);
    expect((placeholder?.message_reference as { message_id?: string } | undefined)?.message_id).toBe(asked);
    expect(placeholder?.content).toBe(final);
    expect(placeholder?.components).toEqual([]);
    const finals = edits().filter((r) => contentOf(r) === final);
    expect(finals).toHaveLength(1);
    expect(finals[0]?.path).toBe(`/channels/${CH.kill}/messages/${placeholder?.id}`);
    expect(finals[0]?.at).toBeGreaterThanOrEqual(killedAt);
  });
});
