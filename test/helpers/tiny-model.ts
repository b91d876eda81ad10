import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AnyFamily,
  makeTestModel,
  type TestFamily,
  TINY_MODEL_VERSION,
} from "../../tools/tiny-model/index.js";

const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/.cache");

/**
 * A tiny offline model of one family, built once per checkout into test/fixtures/.cache
 * (gitignored) and rebuilt when the generator changes. Building into a temp folder and renaming
 * keeps parallel workers safe.
 */
export async function tinyModelDir(family: AnyFamily = "llava"): Promise<string> {
  const dir = join(CACHE, family === "llava" ? "tiny-llava" : `tiny-${family}`);
  const versionFile = join(dir, "VERSION");
  if (existsSync(versionFile) && Number(readFileSync(versionFile, "utf8")) === TINY_MODEL_VERSION) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  makeTestModel(tmp, family);
  try {
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch {
    // Another worker won the race; its copy is identical.
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** The tiny model behind the real transformers.js backend, with the settings every test uses. */
export async function tinyModelPort(family: TestFamily = "llava") {
  const { createTransformersModel } = await import("../../src/engine/model/transformers.js");
  return createTransformersModel({
    id: await tinyModelDir(family),
    device: "cpu",
    dtype: "auto",
    maxNewTokens: 16,
    temperature: 0,
  });
}
