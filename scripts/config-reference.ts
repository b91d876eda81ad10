// Rewrites the configuration reference in README.md from the zod schema's defaults.
import { readFileSync, writeFileSync } from "node:fs";
import { configReferenceMarkdown, REFERENCE_END, REFERENCE_START } from "../src/config/reference.js";

const file = new URL("../README.md", import.meta.url);
const readme = readFileSync(file, "utf8");
const start = readme.indexOf(REFERENCE_START);
const end = readme.indexOf(REFERENCE_END);
if (start < 0 || end < 0) throw new Error("README.md has no config-reference markers");
writeFileSync(
  file,
  readme.slice(0, start) + configReferenceMarkdown() + readme.slice(end + REFERENCE_END.length),
);
console.log("README.md configuration reference updated");
