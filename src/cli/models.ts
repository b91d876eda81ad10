import sharp from "sharp";
import { resolveSource } from "../core/model-source.js";
import { inspectModel } from "../engine/model/preflight.js";
import type { Dtype } from "../engine/model/transformers.js";
import { createTransformersModel } from "../engine/model/transformers.js";
import { CodedError, ErrorCode } from "../errors.js";
import { VISION_TOOLS } from "../skills/vision/load.js";
import { configFromFlags, parse, usage } from "./args.js";
import { checkTools, pullTool, toolFor } from "./models-tools.js";
import { loadProgress } from "./progress.js";

const HELP = `usage: llava-bot models check [ID|PATH] [--dtype D]
       llava-bot models pull [ID] [--dtype D]

check  loads the model's config and processor, lists the ONNX files and dtypes it will use and
       whether each exists (in the folder, or in the hub's listing when online), and runs one tiny
       generation when the files are local. Exits 1 when something is missing.
pull   downloads a hub model into the cache (model.cacheDir) with a progress bar, so an offline
       host can be prepared from a connected one: copy the cache folder, or the model folder.
Without ID, the configured model (model.id) and the vision tools' models (tools.detect.model,
tools.segment.model, tools.cutout.model); an ID that is a tool's model is pulled as that tool's.
HF_HUB_OFFLINE=1 never contacts the hub.`;

const OPTIONS = {
  dtype: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function dtypeFlag(value: string | undefined, configured: Dtype): Dtype {
  if (value === undefined) return configured;
  if (!/^(auto|fp32|fp16|q8|int8|uint8|q4|bnb4|q4f16)$/.test(value))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown --dtype "${value}"; use fp32, fp16, q8, int8, uint8, q4, bnb4 or q4f16.`,
    );
  return value;
}

const out = (line: string) => void process.stdout.write(`${line}\n`);

async function check(
  id: string,
  dtype: Dtype,
  device: "cpu" | "cuda",
  cacheDir: string | undefined,
  hfToken: string | undefined,
) {
  const report = await inspectModel(id, {
    dtype,
    device,
    ...(cacheDir ? { cacheDir } : {}),
    ...(hfToken ? { hfToken } : {}),
  });
  const where =
    report.source.kind === "folder" ? `folder ${report.source.path}` : `hub model ${report.source.id}`;
  out(`model      ${where}`);
  out(`family     ${report.modelType}: ${report.family}`);
  out(
    `processor  ${report.processor} (images: ${report.imageProcessor}), tokenizer ${report.tokenizer}${report.chatTemplate ? ", chat template" : ", no chat template (llava-bot's own prompt format)"}`,
  );
  if (dtype === "auto")
    out(
      `dtype      auto on ${device}: ${report.files.map((f) => f.dtype).join(" / ")} (vision / embeddings / decoder)`,
    );
  for (const f of report.files) {
    const state = f.present === undefined ? "unknown (hub not reachable)" : f.present ? "present" : "MISSING";
    out(`file       ${f.file.padEnd(40)} ${f.dtype.padEnd(6)} ${state}`);
  }
  const missing = report.files.filter((f) => f.present === false);
  if (missing.length > 0)
    throw new CodedError(
      ErrorCode.ModelNotFound,
      `${where} has no ${missing.map((f) => f.file).join(", ")} for the dtype asked for; pick a dtype it ships (--dtype, or model.dtype) or another model.`,
    );
  if (report.source.kind !== "folder") {
    out(
      report.checkedAt === "hub"
        ? "ok         every file is on the hub; llava-bot models pull fetches them"
        : "note       the hub could not be reached to list files",
    );
    return;
  }
  const model = createTransformersModel({ id, device, dtype, maxNewTokens: 8, temperature: 0 });
  try {
    const grey = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 128, g: 128, b: 128 } },
    })
      .png()
      .toBuffer();
    const t0 = performance.now();
    const result = await model.generate({
      messages: [{ role: "user", content: "Describe this image.", imageCount: 1 }],
      images: [{ bytes: grey, mime: "image/png", width: 64, height: 64 }],
      maxNewTokens: 8,
    });
    out(
      `generate   ${JSON.stringify(result.text)} (${result.promptTokens} prompt tokens, ${Math.round(performance.now() - t0)} ms)`,
    );
    out("ok         the model loads and generates");
  } finally {
    await model.dispose();
  }
}

async function pull(id: string, dtype: Dtype, device: "cpu" | "cuda", cacheDir: string | undefined) {
  const source = resolveSource(id);
  if (source.kind === "folder") {
    out(`${source.path} is a local folder; nothing to download. llava-bot models check ${id} checks it.`);
    return;
  }
  const model = createTransformersModel({
    id,
    device,
    dtype,
    maxNewTokens: 8,
    temperature: 0,
    ...(cacheDir ? { cacheDir } : {}),
  });
  try {
    await model.load(loadProgress(`pull ${id}`));
    out(
      `${id} is in the cache${cacheDir ? ` (${cacheDir})` : ""}; hosts that share it can run offline with HF_HUB_OFFLINE=1.`,
    );
  } finally {
    await model.dispose();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [action, id, ...extra] = positionals;
  if (values.help || !action) return usage(HELP);
  if (extra.length > 0) throw new CodedError(ErrorCode.BadRequest, "models takes one model id or folder.");
  const { config, secrets } = configFromFlags(values);
  const dtype = dtypeFlag(values.dtype, config.model.dtype);
  if (action === "check") {
    const tool = id ? toolFor(config, id) : undefined;
    if (tool) return (await checkTools(config, secrets.hfToken, [tool])) ? 0 : 1;
    await check(id ?? config.model.id, dtype, config.model.device, config.model.cacheDir, secrets.hfToken);
    // The tools after the chat model: a missing one is a line (and exit 1), the chat model is fine.
    if (!id && !(await checkTools(config, secrets.hfToken))) {
      out("note       a vision tool without its model answers with one line; the chat works without it");
      return 1;
    }
    return 0;
  }
  if (action === "pull") {
    const tool = id ? toolFor(config, id) : undefined;
    if (tool) {
      await pullTool(tool, config);
      return 0;
    }
    await pull(id ?? config.model.id, dtype, config.model.device, config.model.cacheDir);
    if (!id) for (const t of VISION_TOOLS) await pullTool(t, config);
    return 0;
  }
  throw new CodedError(ErrorCode.BadRequest, `Unknown models action "${action}"; use check or pull.`);
}
