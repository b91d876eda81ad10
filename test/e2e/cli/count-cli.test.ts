import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../../helpers/cli.js";
import { fakeMastodon, fakePixelfed } from "../../integration/publish/fake-services.js";

/** `llava-bot count`: what a social team runs on a draft before posting it. */
const count = (args: string[], env: Record<string, string> = {}, stdin?: string) =>
  runCliAsync(["count", ...args], env, stdin);

let instance: Awaited<ReturnType<typeof fakeMastodon>>;
beforeAll(async () => {
  instance = await fakeMastodon({
    token: "unused",
    instance: { v2: { statuses: { max_characters: 1000, characters_reserved_per_url: 23 } } },
  });
});
afterAll(() => instance.close());

describe("llava-bot count", () => {
  it("X: twitter-text's count, a bare domain as 23", async () => {
    const r = await count(["go to bit.ly/x now", "--platform", "x"]);
    expect(r).toEqual({ code: 0, stdout: "X: 33 / 280 characters: fits\n", stderr: "" });
  });

  it("over the limit: says by how much and exits 1", async () => {
    const r = await count(["日本語".repeat(50), "--platform", "x"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("X: 300 / 280 characters: over by 20 characters\n");
  });

  it("Threads: emoji by their UTF-8 bytes", async () => {
    const r = await count(["Sunday 👨‍👩‍👧‍👦", "--platform", "threads"]);
    expect(r.stdout).toBe("Threads: 32 / 500 characters: fits\n");
  });

  it("Bluesky: graphemes and bytes, and which one is over", async () => {
    const fits = await count(["Hello 🇯🇵", "--platform", "bluesky"]);
    expect(fits.stdout).toBe("Bluesky: 7 / 300 graphemes, 14 / 3,000 bytes (UTF-8): fits\n");
    const heavy = await count(["👨‍👩‍👧‍👦".repeat(150), "--platform", "bluesky", "--json"]);
    expect(heavy.code).toBe(1);
    expect(JSON.parse(heavy.stdout)).toEqual({
      platform: "bluesky",
      count: 150,
      limit: 300,
      unit: "graphemes",
      bytes: 3750,
      maxBytes: 3000,
      fits: false,
    });
  });

  it("Mastodon: the instance's limit, read from it; links and remote mentions as Mastodon counts them", async () => {
    const text = `Hello @alice@example.social, see https://example.com/${"x".repeat(600)} ${"and more ".repeat(50)}`;
    // "Hello @alice, see " 18 + the link 23 + " " + "and more " × 50 = 492; as written it is over 1,000.
    expect(text.length).toBeGreaterThan(1000);
    const r = await count([text, "--platform", "mastodon", "--instance", instance.url]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const host = new URL(instance.url).host;
    expect(r.stdout).toBe(`Mastodon (${host}): 492 / 1,000 characters: fits\n`);
    expect(instance.instanceReads).toEqual(["v2"]);
    // The configured instance is the default one.
    const configured = await count([text, "--platform", "mastodon"], {
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: instance.url,
    });
    expect(configured.stdout).toBe(r.stdout);
  });

  it("Mastodon with no instance: the defaults", async () => {
    const r = await count(["x".repeat(501), "--platform", "mastodon"]);
    expect(r).toMatchObject({ code: 1, stdout: "Mastodon: 501 / 500 characters: over by 1 characters\n" });
  });

  it("Pixelfed: code points and links in full, to the configured instance's limit", async () => {
    const pixelfed = await fakePixelfed({ token: "unused", maxCaption: 600 });
    try {
      // 👍🏽 is 2 code points; the link counts in full (33), not as 23.
      const text = `${"👍🏽".repeat(250)} https://example.com/abcdefghijklm`;
      const r = await count([text, "--platform", "pixelfed"], {
        LLAVA_BOT__PUBLISH__PIXELFED__INSTANCE_URL: pixelfed.url,
      });
      expect(r.stderr).toBe("");
      expect(r).toMatchObject({
        code: 0,
        stdout: `Pixelfed (${new URL(pixelfed.url).host}): 534 / 600 characters: fits\n`,
      });
      const defaults = await count([text, "--platform", "pixelfed"]);
      expect(defaults).toMatchObject({
        code: 1,
        stdout: "Pixelfed: 534 / 500 characters: over by 34 characters\n",
      });
    } finally {
      await pixelfed.close();
    }
  });

  it("reads the draft from stdin with -", async () => {
    const r = await count(["-", "--platform", "instagram-story"], {}, "Cat nap o'clock\n");
    expect(r.stdout).toBe("Instagram story: 15 / 80 characters: fits\n");
  });

  it("bad input: one clear line", async () => {
    const none = await count(["hello"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /^llava-bot: count needs --platform, one of: instagram, .*mastodon, pixelfed\.\n$/,
    );
    const wrong = await count(["hello", "--platform", "myspace"]);
    expect(wrong.stderr).toMatch(/\(not "myspace"\)\.\n$/);
    const two = await count(["hello", "world", "--platform", "x"]);
    expect(two.stderr).toBe("llava-bot: count takes one text: put it in quotes, or pass - to read stdin.\n");
  });
});
