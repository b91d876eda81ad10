#!/usr/bin/env node
// Runs the TypeScript entry through tsx so `npx llava-bot` works from a fresh clone without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
