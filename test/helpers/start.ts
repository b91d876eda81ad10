import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { freePort } from "../../src/queue/redis-server.js";
import { scanChildOutput } from "./log-capture.js";
import { redisUrl, uniquePrefix } from "./redis.js";

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns `llava-bot start` (or another command that runs the playground, e.g. `web`) and resolves once the web line is printed. */
export async function start(
  env: NodeJS.ProcessEnv,
  args: string[],
  command = "start",
): Promise<Started & { url: string }> {
  const child = spawn(process.execPath, [resolve("bin/llava-bot.js"), command, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  scanChildOutput(() => out);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const up = new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`start did not come up:\n${out}`)), 30_000);
    const check = () => {
      const m = /^web\s+(http:\/\/\S+)/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => rej(new Error(`start exited with ${code}:\n${out}`)));
  });
  // One that never came up is not left running behind the test (or the bench) that gave up on it.
  const url = await up.catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });
  return { child, url, output: () => out, exited };
}

export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LLAVA_BOT__OPS__METRICS_PORT: "null",
    LOG_LEVEL: "warn",
    ...extra,
  };
  delete env.DISCORD_TOKEN;
  delete env.SLACK_BOT_TOKEN;
  return env;
}

/** Debian's Chromium, headless, with nothing that reaches out to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * `llava-bot start` on a loopback OpenAI-compatible model server and Chromium, for playground
 * tests; `close` stops both (the model server is the test's own).
 */
export async function startOnOpenAIModel(o: { modelUrl: string; model: string; prefix: string }) {
  const started = await start(
    baseEnv({
      REDIS_URL: redisUrl(),
      LLAVA_BOT__REDIS__PREFIX: uniquePrefix(o.prefix),
      LLAVA_BOT__MODEL__BACKEND: "openai",
      LLAVA_BOT__MODEL__OPENAI__BASE_URL: o.modelUrl,
      LLAVA_BOT__MODEL__OPENAI__MODEL: o.model,
    }),
    ["--port", String(await freePort())],
  );
  const browser = await launchChromium();
  return {
    started,
    browser,
    async close() {
      await browser.close();
      started.child.kill("SIGINT");
      await started.exited;
    },
  };
}
