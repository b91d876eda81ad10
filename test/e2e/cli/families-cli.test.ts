import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COLOURS } from "../../../tools/tiny-model/vocab.js";
import { cli } from "../../helpers/cli.js";
import { colourPhoto, FIXTURES } from "../../helpers/images.js";

const dir = mkdtempSync(join(tmpdir(), "llava-bot-families-"));

describe.each([{ family: "onevision" }, { family: "llava-qwen2" }])(
  "llava-bot ask through a generated $family folder",
  ({ family }) => {
    const modelDir = join(dir, family);
    beforeAll(() => {
      const made = cli("make-test-model", modelDir, "--family", family);
      expect(made.stderr).toBe("");
      expect(made.stdout).toContain(`(${family})`);
    });

    it("names the dominant colour of each photo, through the real loading and generation path", async () => {
      for (const colour of COLOURS) {
        const file = join(dir, `${family}-${colour}.png`);
        writeFileSync(file, await colourPhoto(colour));
        const r = cli("ask", file, "What colour is it?", "--model", modelDir);
        expect(r.stderr).toBe("");
        expect(r.stdout).toBe(`${colour}\n`);
      }
    });

    it("answers about a real photo (frisbee.jpg is mostly grass)", () => {
      const r = cli("ask", join(FIXTURES, "frisbee.jpg"), "What colour is it?", "--model", modelDir);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("green\n");
    });
  },
);

it("make-test-model refuses an unknown family in one line", () => {
  const r = cli("make-test-model", join(dir, "x"), "--family", "gpt");
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toMatch(
    /^llava-bot: Unknown --family "gpt"; choose one of llava, onevision, llava-qwen2, grounding-dino, sam, modnet\.$/,
  );
});
