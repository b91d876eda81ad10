import { deepMerge, loadConfig, parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import type { DeliveryJob, RequestInput } from "../../src/core/jobs.js";

/** Default config with test overrides (short locks so stalled jobs move quickly). */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const base = loadConfig({ env: {} }).config as unknown as Record<string, unknown>;
  return parseConfig(
    deepMerge(
      base,
      deepMerge(
        {
          engine: { lockDurationMs: 2000, stalledIntervalMs: 1000, jobTimeoutMs: 30_000 },
          ops: { metricsPort: null },
        },
        overrides,
      ),
    ),
  );
}

/** An adapter that records what it would have posted. */
export function recordingAdapter() {
  const posted: DeliveryJob[] = [];
  return {
    posted,
    async post(d: DeliveryJob) {
      posted.push(d);
      return { postedAt: Date.now(), messageIds: [`m-${posted.length}`] };
    },
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

let counter = 0;
export function request(overrides: Partial<RequestInput> = {}): RequestInput {
  counter++;
  return {
    requestId: `cli:test-${Date.now()}-${counter}`,
    platform: "cli",
    priority: "interactive",
    command: "ask",
    text: "What colour is it?",
    user: { id: `user-${counter}` },
    scope: { id: "guild-1", channelId: "chan-1" },
    createdAt: Date.now(),
    ...overrides,
  };
}
