import { describe, expect, it } from "vitest";
import { downloadLine, loadProgress } from "../../src/cli/progress.js";
import { downloadTracker } from "../../src/core/download-progress.js";
import type { LoadProgress } from "../../src/core/model-port.js";

describe("download progress", () => {
  it("adds up every file a load fetches into one total", () => {
    const seen: LoadProgress[] = [];
    const track = downloadTracker((p) => seen.push(p));
    track({ status: "progress", file: "onnx/a.onnx", loaded: 100, total: 1000 });
    track({ status: "progress", file: "onnx/b.onnx", loaded: 50, total: 500 });
    track({ status: "done", file: "onnx/a.onnx" });
    track({ status: "progress", file: "onnx/a.onnx", loaded: 1000, total: 1000 });
    expect(seen).toHaveLength(3);
    expect(seen.at(-1)).toMatchObject({ stage: "download", loadedBytes: 1050, totalBytes: 1500 });
    expect(seen.at(-1)?.fraction).toBeCloseTo(0.7);
  });

  it("shows bytes, rate and ETA", () => {
    const mib = 1024 * 1024;
    const line = downloadLine(
      { stage: "download", fraction: 0.5, loadedBytes: 100 * mib, totalBytes: 200 * mib },
      10,
    );
    expect(line).toBe("[############............] 50 % 100.0 MiB / 200.0 MiB 10.0 MiB/s ETA 10s");
  });

  it("in logs, writes a line every few seconds rather than every event, and always the last", () => {
    const lines: string[] = [];
    const show = loadProgress("model x", { tty: false, write: (s) => lines.push(s), everyMs: 60_000 });
    for (let i = 1; i <= 100; i++)
      show({ stage: "download", fraction: i / 100, loadedBytes: i, totalBytes: 100 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^model x: downloading \[.*\] 1 %/);
    expect(lines[1]).toMatch(/100 %/);
  });
});
