// Loaded into the bot's process by bench:soak (node --import; the processes it starts, such as the
// HEIC decoder, inherit it): every SOAK_PROBE_MS it appends one JSON line to SOAK_PROBE_FILE with
// the process's id, memory and event-loop delay since the last line. Plain JavaScript, so it loads
// before tsx does.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";

const file = process.env.SOAK_PROBE_FILE;
const every = Number(process.env.SOAK_PROBE_MS ?? 10_000);
// Worker threads load it too; their heap is theirs, the process's memory is the main thread's line.
if (file && isMainThread) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      at: Date.now(),
      pid: process.pid,
      ppid: process.ppid,
      // Started again by bin/relaunch.js (its launcher being the parent); its own children inherit it.
      relaunched: process.env.LLAVA_BOT_RELAUNCHED === "1",
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      delayP99Ms: delay.percentile(99) / 1e6,
      delayMaxMs: delay.max / 1e6,
    };
    delay.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, every);
  timer.unref();
}
