#!/usr/bin/env node
// Runs the TypeScript entry through tsx so `npx llava-bot` works from a fresh clone without a build step.
import { relaunched } from "./relaunch.js";

if (process.env.LLAVA_BOT_RELAUNCHED === "1" && process.channel) {
  // Started by the launcher (./relaunch.js): its channel must not keep this process alive, and
  // should the launcher go without a word (SIGKILL, a crash), this goes at once too, as it would have.
  process.channel.unref();
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
}
if (!(await relaunched())) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
