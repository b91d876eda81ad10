import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The project's test settings for `npm run test:mutation` (scripts/mutation.ts): only the test
 * files that cover the module being mutated, named in MUTATION_TESTS.
 */
const include = (process.env.MUTATION_TESTS ?? "").split(",").filter(Boolean);
if (!include.length) throw new Error("MUTATION_TESTS names no test files; run npm run test:mutation.");

export default defineConfig({ ...base, test: { ...base.test, include } });
