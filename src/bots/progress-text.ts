import type { Progress } from "../core/jobs.js";

const STAGES: Partial<Record<Progress["stage"], string>> = {
  "loading model": "Loading the model…",
  thinking: "Thinking…",
  uploading: "Uploading the result…",
};

/** The line a chat placeholder shows for a progress stage; undefined for stages not worth an edit. */
export function progressText(p: Pick<Progress, "stage" | "detail">): string | undefined {
  if (p.stage === "running") return `Running ${p.detail ?? "a skill"}…`;
  // The loading stage carries the download's progress ("model downloading 43 %").
  if (p.stage === "loading model" && p.detail) return `Loading the model… (${p.detail})`;
  return STAGES[p.stage];
}
