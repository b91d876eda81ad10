import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../../helpers/cli.js";
import { FIXTURES } from "../../helpers/images.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";
import {
  fakeBluesky,
  fakeLinkedIn,
  fakeMastodon,
  fakePixelfed,
} from "../../integration/publish/fake-services.js";

const TOKEN = "cli-mastodon-token-0123456789";
const APP_PASSWORD = "wxyz-abcd-efgh-ijkl";
const HANDLE = "team.bsky.social";
const PIXELFED_TOKEN = "cli-pixelfed-token-0123456789";
const LINKEDIN_TOKEN = "AQVcli-linkedin-token-0123456789";
const ORGANIZATION = "urn:li:organization:2414183";

let model: string;
beforeAll(async () => {
  model = await tinyModelDir();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** `llava-bot post …` in a child process; asynchronous, so the stand-ins in this process keep answering. */
function cli(args: string[], env: Record<string, string>) {
  return runCliAsync(["post", ...args], { REDIS_URL: "", LLAVA_BOT__MODEL__ID: model, ...env });
}

const photo = join(FIXTURES, "frisbee.jpg");

describe("llava-bot post --publish", () => {
  it("mastodon --pick 1: shows the captions, publishes the first with the image and alt text, prints the URL; once", async () => {
    // The instance allows 1,000 characters: the post is written to that, not to Mastodon's default 500.
    const m = await fakeMastodon({ token: TOKEN, instance: { v2: { statuses: { max_characters: 1000 } } } });
    cleanups.push(m.close);
    const out = join(mkdtempSync(join(tmpdir(), "publish-cli-")), "bundle");
    const env = { MASTODON_ACCESS_TOKEN: TOKEN, LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: m.url };
    const args = [photo, "--publish", "mastodon", "--pick", "1", "--variants", "2", "-o", out];
    const r = await cli(args, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Mastodon post, [12] captions? .*\(limit 1000\):/);
    expect(m.statuses).toHaveLength(1);
    const url = `${m.url}/@team/${m.statuses[0]?.id}`;
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`Published caption 1 to Mastodon: ${url}`);

    const json = JSON.parse(readFileSync(join(out, "post.json"), "utf8")) as {
      platform: string;
      limit: number;
      variants: { text: string }[];
      altText: string;
      image: { file: string };
    };
    expect(json.platform).toBe("mastodon"); // the platform follows the target
    expect(json.limit).toBe(1000);
    expect(m.instanceReads).toEqual(["v2"]);
    expect(m.statuses[0]?.text).toBe(json.variants[0]?.text);
    expect(m.media).toHaveLength(1);
    expect(m.media[0]?.description).toBe(json.altText);
    expect(m.media[0]?.bytes.equals(readFileSync(join(out, json.image.file)))).toBe(true);
    expect((await sharp(m.media[0]?.bytes).metadata()).format).toBe("jpeg");

    // The same caption and image again: nothing new is posted.
    const again = await cli(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already published to Mastodon (caption 1; nothing posted again): ${url}`);
    expect(m.statuses).toHaveLength(1);
  });

  it("bluesky --pick 1 --json: a post record with the image and alt text, and the live URL", async () => {
    const b = await fakeBluesky({ handle: HANDLE, password: APP_PASSWORD });
    cleanups.push(b.close);
    const state = mkdtempSync(join(tmpdir(), "publish-state-"));
    const r = await cli([photo, "--publish", "bluesky", "--pick", "1", "--json"], {
      BLUESKY_APP_PASSWORD: APP_PASSWORD,
      LLAVA_BOT__PUBLISH__BLUESKY__SERVICE: b.url,
      LLAVA_BOT__PUBLISH__BLUESKY__HANDLE: HANDLE,
      LLAVA_BOT__REDIS__STATE_DIR: state,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { published: { target: string; url: string; id: string } };
    const [record] = b.records();
    expect(b.records()).toHaveLength(1);
    expect(result.published).toMatchObject({ target: "bluesky", id: record?.uri });
    expect(result.published.url).toMatch(
      new RegExp(`^https://bsky\\.app/profile/${HANDLE}/post/${record?.rkey}$`),
    );
    expect([...new Intl.Segmenter().segment(record?.value.text ?? "")].length).toBeLessThanOrEqual(300);
    expect(record?.value.embed?.images[0]?.alt).toBe("Green");
    expect(b.blobs).toHaveLength(1);
  });

  it("pixelfed --pick 1 --json: the photo with its alt text, then the status, and the live URL", async () => {
    const p = await fakePixelfed({ token: PIXELFED_TOKEN });
    cleanups.push(p.close);
    const out = join(mkdtempSync(join(tmpdir(), "publish-cli-")), "bundle");
    const r = await cli([photo, "--publish", "pixelfed", "--pick", "1", "--json", "-o", out], {
      PIXELFED_ACCESS_TOKEN: PIXELFED_TOKEN,
      LLAVA_BOT__PUBLISH__PIXELFED__INSTANCE_URL: p.url,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, "post.json"), "utf8")) as {
      platform: string;
      limit: number;
      variants: { text: string }[];
      altText: string;
    };
    expect(json).toMatchObject({ platform: "pixelfed", limit: 500 });
    expect(p.statuses).toHaveLength(1);
    expect(p.statuses[0]?.text).toBe(json.variants[0]?.text);
    expect([...(p.statuses[0]?.text ?? "")].length).toBeLessThanOrEqual(500);
    expect(p.media[0]?.description).toBe(json.altText);
    const result = JSON.parse(r.stdout) as { published: { target: string; url: string } };
    expect(result.published).toMatchObject({
      target: "pixelfed",
      url: `${p.url}/p/team/${p.statuses[0]?.id}`,
    });
  });

  it("linkedin --pick 1 for a page: the image, then the post with its alt text; prints the post's URL", async () => {
    const l = await fakeLinkedIn({ token: LINKEDIN_TOKEN, authors: [ORGANIZATION], version: "202607" });
    cleanups.push(l.close);
    const r = await cli([photo, "--platform", "linkedin-square", "--publish", "linkedin", "--pick", "1"], {
      LINKEDIN_ACCESS_TOKEN: LINKEDIN_TOKEN,
      LLAVA_BOT__PUBLISH__LINKEDIN__AUTHOR: ORGANIZATION,
      LLAVA_BOT__PUBLISH__LINKEDIN__API_URL: l.url,
      LLAVA_BOT__PUBLISH__LINKEDIN__UPLOAD_ORIGINS: JSON.stringify([l.url]),
      LLAVA_BOT__REDIS__STATE_DIR: mkdtempSync(join(tmpdir(), "publish-state-")),
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(l.posts).toHaveLength(1);
    const [made] = l.posts;
    expect(made?.author).toBe(ORGANIZATION);
    expect(made?.media?.altText).toBe("Green");
    expect(l.images.find((i) => i.urn === made?.media?.id)?.bytes?.length).toBeGreaterThan(0);
    expect(r.stdout.trim().split("\n").at(-1)).toBe(
      `Published caption 1 to LinkedIn: https://www.linkedin.com/feed/update/${made?.urn}/`,
    );
  });

  it("a refused token: one clear line, exit 1, nothing posted", async () => {
    const m = await fakeMastodon({ token: TOKEN });
    cleanups.push(m.close);
    const r = await cli([photo, "--publish", "mastodon", "--pick", "1"], {
      MASTODON_ACCESS_TOKEN: "a-wrong-token-123",
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: m.url,
      LLAVA_BOT__REDIS__STATE_DIR: mkdtempSync(join(tmpdir(), "publish-state-")),
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "llava-bot: Mastodon refused our credentials (HTTP 401). Check MASTODON_ACCESS_TOKEN, then try again. Nothing was posted.",
    );
    expect(r.stderr + r.stdout).not.toContain("a-wrong-token-123");
    expect(m.statuses).toHaveLength(0);
  });

  it("without an account, or without --pick outside a terminal, it says what to do before any work", async () => {
    const none = await cli([photo, "--publish", "mastodon", "--pick", "1"], {});
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(
      "llava-bot: Publishing to Mastodon is not set up: set publish.mastodon.instanceUrl and MASTODON_ACCESS_TOKEN.",
    );
    const m = await fakeMastodon({ token: TOKEN });
    cleanups.push(m.close);
    const noPick = await cli([photo, "--publish", "mastodon"], {
      MASTODON_ACCESS_TOKEN: TOKEN,
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: m.url,
    });
    expect(noPick.code).toBe(1);
    expect(noPick.stderr.trim()).toBe(
      "llava-bot: --publish asks which caption to post; outside a terminal, say it with --pick N.",
    );
    expect(m.statuses).toHaveLength(0);
    // A post for one network's rules is not published to another.
    const mismatch = await cli([photo, "--platform", "instagram", "--publish", "mastodon", "--pick", "1"], {
      MASTODON_ACCESS_TOKEN: TOKEN,
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: m.url,
    });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr.trim()).toBe(
      "llava-bot: --platform instagram does not match --publish mastodon: a post is written to the rules of the network it goes to, so leave out --platform (or make it mastodon).",
    );
    expect(m.statuses).toHaveLength(0);
    const badTarget = await cli([photo, "--publish", "myspace", "--pick", "1"], {});
    expect(badTarget.stderr.trim()).toBe(
      'llava-bot: Unknown --publish target "myspace". Choose one of: mastodon, bluesky, pixelfed, linkedin.',
    );
  });
});
