import type { CommandName, PostBundle, Progress } from "../core/jobs.js";
import type { ModelImage, ModelPort } from "../core/model-port.js";
import type { SkillImage } from "../skills/skill.js";
import type { ModelLoader } from "./model/status.js";

/** What the engine runs: a request with its images already loaded (the worker or the CLI fetches blobs). */
export interface EngineRequest {
  command: CommandName;
  args: Record<string, string | number | boolean>;
  text: string;
  /** The earlier turns' images first (as their imageCounts say), then this turn's own. */
  images: ModelImage[];
  history: { role: "user" | "assistant"; content: string; imageCount?: number }[];
  locale?: string;
}

export interface EngineHooks {
  signal: AbortSignal;
  /** `running` comes with the skill name as detail. */
  progress?: (stage: Progress["stage"], detail?: string) => void;
  onToken?: (text: string) => void;
  /** The visible answer so far, after each new piece (only for requests that stream). */
  onText?: (textSoFar: string) => void;
}

export interface EngineOutput {
  /** Untrusted model text for the user. */
  text: string;
  /** Only images that a skill really produced. */
  images: SkillImage[];
  post?: PostBundle;
  /** Planner thoughts and actions, only when engine.debug is on. */
  debug?: string;
}

/** The engine in one process: a model plus the skill router and planner. Used by the worker and the CLI. */
export interface Engine {
  readonly model: ModelPort;
  /** The model's loading state; requests that need the model wait on it. */
  readonly loader?: ModelLoader;
  needsModel?(request: Pick<EngineRequest, "command" | "text" | "args">): boolean;
  run(request: EngineRequest, hooks: EngineHooks): Promise<EngineOutput>;
  close(): Promise<void>;
}
