import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAMILIES } from "../../../tools/tiny-model/index.js";
import { runCli } from "../../helpers/cli.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

describe("llava-bot models check", () => {
  it.each(FAMILIES.map((family) => ({ family })))(
    "on a generated $family folder: family, processor, files with dtypes, one generation",
    async ({ family }) => {
      const dir = await tinyModelDir(family);
      const r = runCli(["models", "check", dir]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const type = { llava: "llava", onevision: "llava_onevision", "llava-qwen2": "llava_qwen2" }[family];
      expect(r.stdout).toContain(`family     ${type}:`);
      for (const part of ["vision_encoder", "embed_tokens", "decoder_model_merged"])
        expect(r.stdout).toMatch(new RegExp(`onnx/${part}\\.onnx\\s+fp32\\s+present`));
      // A mid-grey test image: the tiny model calls it white or black, from the pixels.
      expect(r.stdout).toMatch(/generate\s+"(white|black)"/);
      expect(r.stdout).toContain("ok         the model loads and generates");
    },
  );

  it("on a folder missing the dtype file it is asked for: a clear line and a non-zero exit", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "llava-bot-models-")), "m");
    try {
      cpSync(await tinyModelDir("onevision"), dir, { recursive: true });
      rmSync(join(dir, "onnx", "decoder_model_merged.onnx"));
      const r = runCli(["models", "check", dir, "--dtype", "fp32"]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/onnx\/decoder_model_merged\.onnx\s+fp32\s+MISSING/);
      expect(r.stdout).toMatch(/onnx\/embed_tokens\.onnx\s+fp32\s+present/);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^llava-bot: folder .* has no onnx\/decoder_model_merged\.onnx for the dtype asked for/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on a hub id while offline: one clear line naming the id, non-zero exit", () => {
    const r = runCli(["models", "check", "onnx-community/llava-onevision-qwen2-0.5b-ov-hf"], {
      HF_HUB_OFFLINE: "1",
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^llava-bot: Cannot load hub model "onnx-community\/llava-onevision-qwen2-0\.5b-ov-hf" \(is this host offline/,
    );
  });

  it("pull of a local folder says there is nothing to download", async () => {
    const r = runCli(["models", "pull", await tinyModelDir()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is a local folder; nothing to download/);
  });
});
