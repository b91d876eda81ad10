/**
 * The layers of src/ (DESIGN.md): nothing imports from a layer above its own. Prints each import
 * that runs back up and exits 1 when there is one; test/unit/layers.test.ts runs it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Top-level part of src/ → its floor; a part may import its own floor and those below. */
export const LAYERS: Record<string, number> = {
  "cli.ts": 7,
  cli: 7,
  bots: 6,
  engine: 5,
  publish: 5,
  skills: 4,
  queue: 3,
  core: 2,
  config: 2,
  images: 2,
  "log.ts": 1,
  "redact.ts": 1,
  "errors.ts": 1,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|js)$/.test(name) && !path.includes(`${join("web", "public")}`) ? [path] : [];
  });
}

function part(src: string, file: string): string {
  // Imports name the compiled ".js"; the layer map names the sources.
  return (relative(src, file).split(/[\\/]/)[0] ?? "").replace(/\.js$/, ".ts");
}

/**
 * Test tooling (tools/, beside src/) is no part of the product: only the cli layer may load it, and
 * only with a dynamic import, so no other command and no running role ever pulls it in
 * (`llava-bot make-test-model` is the one that does).
 */
function mayLeaveSrc(src: string, file: string, target: string, dynamic: boolean): boolean {
  const tools = resolve(src, "..", "tools");
  return dynamic && LAYERS[part(src, file)] === LAYERS.cli && !relative(tools, target).startsWith("..");
}

export interface Violation {
  file: string;
  imports: string;
  from: number;
  to: number;
}

export function upwardImports(src: string): Violation[] {
  const out: Violation[] = [];
  for (const file of files(src)) {
    const from = LAYERS[part(src, file)];
    if (from === undefined) {
      out.push({ file: relative(src, file), imports: "(no layer: add it to LAYERS)", from: 0, to: 0 });
      continue;
    }
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(from\s+|import\s*\(\s*|import\s+)["'](\.[^"']+)["']/g)) {
      const target = resolve(dirname(file), m[2] as string);
      if (relative(src, target).startsWith("..")) {
        if (!mayLeaveSrc(src, file, target, (m[1] as string).includes("(")))
          out.push({ file: relative(src, file), imports: relative(src, target), from, to: -1 });
        continue;
      }
      const to = LAYERS[part(src, target)];
      if (to === undefined || to > from)
        out.push({ file: relative(src, file), imports: relative(src, target), from, to: to ?? -1 });
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
  const found = upwardImports(src);
  for (const v of found) console.log(`${v.file} (floor ${v.from}) imports ${v.imports} (floor ${v.to})`);
  if (found.length) process.exit(1);
  console.log("layers: no import runs back up");
}
