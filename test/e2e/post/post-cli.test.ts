import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "../../helpers/images.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

describe("llava-bot post with the tiny model", () => {
  it("writes a complete bundle: post.json and a prepared image", async () => {
    const model = await tinyModelDir();
    const out = join(mkdtempSync(join(tmpdir(), "post-")), "bundle");
    const r = spawnSync(
      process.execPath,
      [
        resolve("bin/llava-bot.js"),
        "post",
        join(FIXTURES, "frisbee.jpg"),
        "--platform",
        "instagram",
        "--tone",
        "playful",
        "--variants",
        "3",
        "--look",
        "autumn",
        "--model",
        model,
        "-o",
        out,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const json = JSON.parse(readFileSync(join(out, "post.json"), "utf8")) as {
      platform: string;
      variants: { text: string; hashtags: string[]; chars: number }[];
      requested: number;
      shortfall?: string;
      altText: string;
      image: { file: string; width: number; height: number };
    };
    expect(json.platform).toBe("instagram");
    expect(json.requested).toBe(3);
    // The tiny model only ever names a colour: every caption is one it wrote, never a canned phrase.
    expect(json.variants.length).toBeGreaterThanOrEqual(1);
    expect(json.variants.length).toBeLessThanOrEqual(3);
    for (const v of json.variants) expect(v.text).toMatch(/^(red|green|blue|white|black)\n\n#Green$/i);
    expect(new Set(json.variants.map((v) => v.text)).size).toBe(json.variants.length);
    expect(json.variants[0]?.text).toMatch(/^green/i); // the first, unsampled answer: the model saw the grass
    if (json.variants.length < 3) expect(json.shortfall).toMatch(/of the 3 asked for/);
    else expect(json.shortfall).toBeUndefined();
    expect(json.variants[0]?.hashtags).toContain("#Green");
    expect(json.altText).toBe("Green");
    expect(existsSync(join(out, json.image.file))).toBe(true);
    const meta = await sharp(join(out, json.image.file)).metadata();
    expect([meta.width, meta.height]).toEqual([1080, 1350]);
    expect(r.stdout).toMatch(/Instagram feed post, [123] captions?/);
  });

  it("an unknown platform gets one line listing the platforms", () => {
    const r = spawnSync(
      process.execPath,
      [
        resolve("bin/llava-bot.js"),
        "post",
        join(FIXTURES, "frisbee.jpg"),
        "--platform",
        "myspace",
        "-o",
        "/tmp/x",
      ],
      { encoding: "utf8" },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toMatch(
      /^llava-bot: Unknown platform "myspace"\. Choose one of: instagram, .*mastodon, pixelfed\.$/,
    );
  });
});
