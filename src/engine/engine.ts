import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import { type PostBundle, postBundleSchema } from "../core/jobs.js";
import type { GenerateRequest, ModelPort } from "../core/model-port.js";
import { CodedError, ErrorCode } from "../errors.js";
import { networkLimitsFor } from "../publish/index.js";
import { getSkill, skills } from "../skills/index.js";
import { closeOcr } from "../skills/ocr/pool.js";
import type { Skill, SkillContext, SkillResult } from "../skills/skill.js";
import { closeVision } from "../skills/vision/load.js";
import { createModel } from "./model/index.js";
import { createModelLoader, describeStatus, type ModelLoader } from "./model/status.js";
import { plan } from "./planner.js";
import { route } from "./router.js";
import { answerView } from "./stream.js";
import { turnImages } from "./turns.js";
import type { Engine, EngineHooks, EngineOutput, EngineRequest } from "./types.js";

export interface EngineOptions {
  config: Config;
  secrets: Secrets;
  /** Inject a model (tests, benchmarks); otherwise the configured one. */
  model?: ModelPort;
}

/** Skills the planner may call: everything that is not the model talking about the image itself. */
function plannerTools(config: Config): Record<string, Skill> {
  const out: Record<string, Skill> = {};
  for (const [name, s] of Object.entries(skills)) {
    const skill = s as unknown as Skill;
    if (name === "describe" || name === "ask" || name === "caption") continue;
    if (skill.available && !skill.available(config)) continue;
    out[name] = skill;
  }
  return out;
}

function postFrom(data: unknown): PostBundle | undefined {
  const parsed = postBundleSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The model as skills and the planner see it: the first generation waits for the model to load
 * (showing its progress), so a skill that never generates never waits.
 */
function waitingModel(model: ModelPort, loader: ModelLoader, hooks: EngineHooks): ModelPort {
  return {
    id: model.id,
    load: () => loader.ensure(),
    async generate(request: GenerateRequest) {
      if (loader.status().state !== "ready") {
        const show = () => hooks.progress?.("loading model", describeStatus(loader.status()));
        show();
        const stop = loader.onChange(show);
        try {
          await loader.ensure();
        } finally {
          stop();
        }
      }
      const onText = hooks.onText;
      if (!onText || request.unseen) return model.generate(request);
      // Each generation (a planner turn) starts its visible text afresh.
      const view = answerView();
      return model.generate({
        ...request,
        onToken: (piece) => {
          request.onToken?.(piece);
          const shown = view(piece);
          if (shown !== undefined) onText(shown);
        },
      });
    },
    dispose: () => model.dispose(),
  };
}

/** Whether a request will call the model: free-form chat and every skill but the model-free ones. */
function needsModel(request: Pick<EngineRequest, "command" | "text" | "args">): boolean {
  const r = route(request.command, request.text, request.args);
  // Refining a post asks the model (text only); approving it does not.
  if (r.kind === "post-action") return r.action === "refine";
  return r.kind === "planner" || getSkill(r.skill).usesModel !== false;
}

/** The in-process engine, which always knows its model's loading state. */
export type LocalEngine = Engine & Required<Pick<Engine, "loader" | "needsModel">>;

export async function createEngine(options: EngineOptions): Promise<LocalEngine> {
  const { config } = options;
  const model = options.model ?? (await createModel(config, options.secrets));
  const loader = createModelLoader(model);
  const networkLimits = networkLimitsFor(config);

  function context(request: EngineRequest, hooks: EngineHooks, skillName: string): SkillContext {
    return {
      images: turnImages(request).forTools,
      text: request.text,
      model: waitingModel(model, loader, hooks),
      config,
      signal: hooks.signal,
      ...(request.locale ? { locale: request.locale } : {}),
      progress: (detail) => hooks.progress?.("running", `${skillName}: ${detail}`),
      networkLimits,
    };
  }

  async function runSkill(
    skill: Skill,
    params: unknown,
    request: EngineRequest,
    hooks: EngineHooks,
  ): Promise<SkillResult> {
    if (skill.available && !skill.available(config)) {
      throw new CodedError(ErrorCode.BackendMissing, `The ${skill.name} skill is not set up on this bot.`);
    }
    hooks.progress?.("running", skill.name);
    return skill.run(context(request, hooks, skill.name), params as never);
  }

  return {
    model,
    loader,
    needsModel,
    async run(request, hooks): Promise<EngineOutput> {
      const r = route(request.command, request.text, request.args);
      if (r.kind === "skill") {
        const skill = getSkill(r.skill);
        const params = skill.params.safeParse(r.params);
        if (!params.success) {
          const first = params.error.issues[0];
          throw new CodedError(
            ErrorCode.BadRequest,
            `That /${request.command} request is missing something: ${first ? `${first.path.join(".") || "input"} — ${first.message}` : "invalid options"}.`,
          );
        }
        if (skill.name === "describe" || skill.name === "ask" || skill.name === "caption")
          hooks.progress?.("thinking");
        const result = await runSkill(skill, params.data, request, hooks);
        const post = postFrom(result.data);
        return { text: result.text ?? "", images: result.images ?? [], ...(post ? { post } : {}) };
      }
      if (r.kind === "post-action")
        // They need the post's state in Redis, which only the worker has (engine/post-actions.ts).
        throw new CodedError(ErrorCode.Internal, `a ${r.action} request reached the engine, not the worker`);
      if (request.images.length === 0 && request.history.length === 0)
        throw new CodedError(
          ErrorCode.NoImage,
          "Please attach an image (JPEG, PNG, WebP or GIF) and tell me what you'd like to know about it.",
        );
      const out = await plan({
        question: request.text || "Describe this image.",
        images: request.images,
        history: request.history,
        tools: plannerTools(config),
        model: waitingModel(model, loader, hooks),
        maxTurns: config.engine.maxTurns,
        signal: hooks.signal,
        runTool: (skill, params) => runSkill(skill, params, request, hooks),
        onThinking: () => hooks.progress?.("thinking"),
      });
      const post = postFrom(out.data);
      return {
        text: out.text,
        images: out.images,
        ...(post ? { post } : {}),
        ...(config.engine.debug && out.trace.length ? { debug: out.trace.join("\n") } : {}),
      };
    },
    async close() {
      await closeOcr();
      await closeVision();
      await model.dispose();
    },
  };
}
