import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { upwardImports } from "../../scripts/check-layers.js";

const SRC = join(import.meta.dirname, "..", "..", "src");

describe("layers (DESIGN.md)", () => {
  it("no file under src/ imports from a layer above its own", () => {
    expect(upwardImports(SRC)).toEqual([]);
  });

  it("finds an import that runs back up, and a folder that has no layer", () => {
    const src = mkdtempSync(join(tmpdir(), "layers-"));
    for (const dir of ["queue", "bots", "core", "stray"]) mkdirSync(join(src, dir));
    writeFileSync(join(src, "bots", "flow.ts"), 'import { x } from "../queue/q.js";\n');
    writeFileSync(
      join(src, "queue", "q.ts"),
      'import type { A } from "../bots/flow.js";\nimport { c } from "../core/c.js";\n',
    );
    writeFileSync(join(src, "core", "c.ts"), "export const c = 1;\n");
    writeFileSync(join(src, "stray", "s.ts"), "export const s = 1;\n");
    const found = upwardImports(src);
    expect(found).toEqual([
      { file: join("queue", "q.ts"), imports: join("bots", "flow.js"), from: 3, to: 6 },
      { file: join("stray", "s.ts"), imports: "(no layer: add it to LAYERS)", from: 0, to: 0 },
    ]);
  });

  it("lets only the cli layer reach tools/, and only with a dynamic import", () => {
    const root = mkdtempSync(join(tmpdir(), "layers-"));
    const src = join(root, "src");
    for (const dir of ["cli", "engine"]) mkdirSync(join(src, dir), { recursive: true });
    const tool = '"../../tools/tiny-model/index.js"';
    writeFileSync(join(src, "cli", "make.ts"), `export const load = () => import(${tool});\n`);
    writeFileSync(join(src, "cli", "eager.ts"), `import { make } from ${tool};\n`);
    writeFileSync(join(src, "engine", "e.ts"), `export const load = () => import(${tool});\n`);
    writeFileSync(join(src, "engine", "out.ts"), 'import { x } from "../../test/helpers/x.js";\n');
    const found = upwardImports(src);
    const tools = join("..", "tools", "tiny-model", "index.js");
    expect(found).toEqual([
      { file: join("cli", "eager.ts"), imports: tools, from: 7, to: -1 },
      { file: join("engine", "e.ts"), imports: tools, from: 5, to: -1 },
      { file: join("engine", "out.ts"), imports: join("..", "test", "helpers", "x.js"), from: 5, to: -1 },
    ]);
  });
});
