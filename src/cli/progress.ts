import type { LoadProgress } from "../engine/model/port.js";

/** Model-load progress on stderr: a redrawn bar on a terminal, a few plain lines otherwise. */
export function stderrProgress(label: string): (p: LoadProgress) => void {
  const tty = process.stderr.isTTY;
  let lastLine = "";
  return (p) => {
    let line: string;
    if (p.stage === "download" && p.fraction !== undefined) {
      const width = 24;
      const filled = Math.round(p.fraction * width);
      line = `${label}: downloading ${p.file ?? ""} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(p.fraction * 100)}%`;
      if (!tty && Math.round(p.fraction * 100) % 25 !== 0) return;
    } else if (!tty) {
      return; // piped stderr gets download progress only, so errors stay one line
    } else if (p.stage === "ready") {
      line = `${label}: ready`;
    } else {
      line = `${label}: loading${p.file ? ` ${p.file}` : ""}`;
    }
    if (line === lastLine) return;
    lastLine = line;
    process.stderr.write(tty ? `\r\x1b[2K${line}${p.stage === "ready" ? "\n" : ""}` : `${line}\n`);
  };
}
