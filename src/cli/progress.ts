import type { LoadProgress } from "../core/model-port.js";

const MiB = 1024 * 1024;

function size(bytes: number): string {
  return bytes >= 1024 * MiB ? `${(bytes / 1024 / MiB).toFixed(2)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`;
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "--";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`;
}

/** "[#####.....] 43 % 412.0 MiB / 958.3 MiB 12.4 MiB/s ETA 44s" from a download's running totals. */
export function downloadLine(p: LoadProgress, elapsedS: number, width = 24): string {
  const fraction = p.fraction ?? 0;
  const filled = Math.round(fraction * width);
  const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.floor(fraction * 100)} %`;
  if (p.loadedBytes === undefined || p.totalBytes === undefined) return bar;
  const rate = elapsedS > 0 ? p.loadedBytes / elapsedS : 0;
  const eta = rate > 0 ? (p.totalBytes - p.loadedBytes) / rate : Number.NaN;
  return `${bar} ${size(p.loadedBytes)} / ${size(p.totalBytes)} ${size(rate)}/s ETA ${duration(eta)}`;
}

/**
 * Model-load progress: a redrawn bar (bytes, rate, ETA) on a terminal; in logs and pipes a plain
 * line every few seconds, so a long first download is visible without flooding anything.
 */
export function loadProgress(
  label: string,
  options: { tty?: boolean; write?: (s: string) => void; everyMs?: number } = {},
): (p: LoadProgress) => void {
  const tty = options.tty ?? process.stderr.isTTY === true;
  const write = options.write ?? ((s: string) => void process.stderr.write(s));
  const everyMs = options.everyMs ?? 5000;
  let started: number | undefined;
  let lastLine = "";
  let lastAt = Number.NEGATIVE_INFINITY;
  return (p) => {
    let line: string;
    if (p.stage === "download") {
      started ??= performance.now();
      line = `${label}: downloading ${downloadLine(p, (performance.now() - started) / 1000)}`;
      if (!tty) {
        const done = p.fraction !== undefined && p.fraction >= 1;
        if (!done && performance.now() - lastAt < everyMs) return;
        lastAt = performance.now();
      }
    } else if (!tty) {
      return; // piped output gets download progress only, so errors stay one line
    } else if (p.stage === "ready") {
      line = `${label}: ready`;
    } else {
      line = `${label}: loading${p.file ? ` ${p.file}` : ""}`;
    }
    if (line === lastLine) return;
    lastLine = line;
    write(tty ? `\r\x1b[2K${line}${p.stage === "ready" ? "\n" : ""}` : `${line}\n`);
  };
}
