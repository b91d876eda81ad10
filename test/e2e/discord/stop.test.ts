import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackFirst } from "../../../src/bots/ack-first.js";
import { jobIdFor, jobKey } from "../../../src/queue/names.js";
import { waitFor } from "../../helpers/queue.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { describePhoto, slashCommand } from "./payloads.js";

/**
 * A stop (a deploy, a restart) while an acknowledged interaction is still being handled: Discord
 * will not send it again, so the adapter closes the gateway, lets the handler finish with the REST
 * client and Redis still open, and only then closes them: the request is queued, not lost.
 */
const CHANNEL = "440000000000000001";
const prefix = uniquePrefix("discord-stop");
let t: DiscordUnderTest;
const redis = newRedis();

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix, channels: [CHANNEL] });
}, 60_000);
afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

describe("Discord: stopping with an interaction still being handled", () => {
  it("closes the gateway, finishes the deferred /describe, then closes: its request is queued", async () => {
    const id = "940000000000000001";
    // Holds the command's download for a while (acknowledgements first), so the stop finds it running.
    const release = ackFirst.begin();
    t.stand.dispatch(
      "INTERACTION_CREATE",
      await describePhoto(t.stand, { id, channel: CHANNEL, colour: "red" }),
    );
    await waitFor(
      () => t.stand.arrivals.some((a) => a.startsWith(`POST /interactions/${id}/`)),
      10_000,
      "the deferral",
    );
    expect(await redis.exists(jobKey(prefix, "requests", jobIdFor(`discord:${id}`)))).toBe(0);
    await t.discord.close();
    release();
    expect(await redis.exists(jobKey(prefix, "requests", jobIdFor(`discord:${id}`)))).toBe(1);
    expect(t.stand.arrivals.filter((a) => a.startsWith("GET /cdn/"))).toHaveLength(1);
    // The gateway is closed: a later interaction reaches no session (and none was opened again).
    expect(
      t.stand.dispatch(
        "INTERACTION_CREATE",
        slashCommand({ id: "940000000000000002", channel: CHANNEL, name: "describe", options: [] }),
      ),
    ).toBe(0);
  });
});
