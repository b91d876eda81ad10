import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTestModel, TINY_MODEL_VERSION } from "../../src/engine/model/tiny/index.js";

const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/.cache/tiny-llava");

/**
 * The tiny offline model, built once per checkout into test/fixtures/.cache (gitignored) and rebuilt
 * when the generator changes. Building into a temp folder and renaming keeps parallel workers safe.
 */
export async function tinyModelDir(): Promise<string> {
  const versionFile = join(CACHE, "VERSION");
  if (existsSync(versionFile) && Number(readFileSync(versionFile, "utf8")) === TINY_MODEL_VERSION)
    return CACHE;
  mkdirSync(dirname(CACHE), { recursive: true });
  const tmp = mkdtempSync(`${CACHE}.tmp-`);
  makeTestModel(tmp);
  try {
    rmSync(CACHE, { recursive: true, force: true });
    renameSync(tmp, CACHE);
  } catch {
    // Another worker won the race; its copy is identical.
    rmSync(tmp, { recursive: true, force: true });
  }
  return CACHE;
}

/** The tiny model behind the real transformers.js backend, with the settings every test uses. */
export async function tinyModelPort() {
  const { createTransformersModel } = await import("../../src/engine/model/transformers.js");
  return createTransformersModel({
    id: await tinyModelDir(),
    device: "cpu",
    dtype: "auto",
    maxNewTokens: 16,
    temperature: 0,
  });
}
