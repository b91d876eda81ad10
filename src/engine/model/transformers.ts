import {
  AutoConfig,
  AutoModelForImageTextToText,
  AutoProcessor,
  AutoTokenizer,
  env,
  InterruptableStoppingCriteria,
  RawImage,
  TextStreamer,
} from "@huggingface/transformers";
import { downloadTracker, type HubProgress } from "../../core/download-progress.js";
import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LoadProgress,
  ModelPort,
} from "../../core/model-port.js";
import { hubOffline, resolveSource } from "../../core/model-source.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { type CopySize, modelCopies } from "../../images/model-copy.js";
import { toRawImage } from "../../images/raw-image.js";
import { autoDtype } from "./dtypes.js";
import { isSupportedModelType, unsupportedModel } from "./families.js";
import { describeSource, notFound, templateFile } from "./folder.js";
import { expandImageTokens, featureCounter } from "./image-tokens.js";
import { cutAtStop, GenerationGuard } from "./stopping.js";
import {
  familyFor,
  IMAGE_TOKEN,
  renderPrompt,
  templateTakesParts,
  toInlineMessages,
  toTemplateMessages,
} from "./templates.js";
import {
  type ImageProc,
  type Model,
  type Proc,
  processorEdge,
  type Seq,
  type Tok,
} from "./transformers-lib.js";

export type Dtype = string | Record<string, string>;

export interface TransformersOptions {
  id: string;
  device: "cpu" | "cuda";
  dtype: Dtype;
  cacheDir?: string;
  /** The edge photos are shrunk to before the processor; "auto": the processor's own size. */
  imageEdge?: number | "auto";
  maxNewTokens: number;
  temperature: number;
}

interface Loaded {
  model: Model;
  tokenizer: Tok;
  imageProcessor: ImageProc;
  modelType: string;
  template: string | undefined;
  imageTokenId: number;
  /** What each photo is shrunk to before the processor (which shrinks it the rest of the way). */
  copySize: CopySize;
  featuresPerImage: (pixelValues: { dims: number[] }, images: number) => Promise<number>;
}

/** The prompt with one image placeholder per image, in the model's own conversation format. */
function promptFor(loaded: Loaded, tokenizer: Tok, messages: ChatMessage[]): string {
  const template = loaded.template;
  if (!template) return renderPrompt(familyFor(loaded.modelType), messages);
  const rendered = tokenizer.apply_chat_template(
    templateTakesParts(template) ? toTemplateMessages(messages) : toInlineMessages(messages),
    { tokenize: false, add_generation_prompt: true, chat_template: template },
  );
  return String(rendered);
}

function imageTokenIdOf(config: Model["config"], tokenizer: Tok): number {
  const fromConfig = config.image_token_index ?? config.image_token_id;
  if (typeof fromConfig === "number" && fromConfig >= 0) return fromConfig;
  const ids = tokenizer.encode(IMAGE_TOKEN, { add_special_tokens: false });
  if (ids.length === 1 && ids[0] !== undefined) return ids[0];
  throw new CodedError(
    ErrorCode.ModelUnsupported,
    `The model's config names no image token and its tokenizer has no single ${IMAGE_TOKEN} token.`,
  );
}

export function createTransformersModel(options: TransformersOptions): ModelPort {
  const source = resolveSource(options.id);
  let loading: Promise<Loaded> | undefined;
  // Each photo decoded and shrunk once, kept by its blob key: a post's or a conversation's calls reuse it.
  const rawCopy = modelCopies(toRawImage);

  async function doLoad(onProgress?: (p: LoadProgress) => void): Promise<Loaded> {
    if (options.cacheDir) env.cacheDir = options.cacheDir;
    if (hubOffline()) env.allowRemoteModels = false;
    const name = source.kind === "folder" ? source.path : source.id;
    const dtype = options.dtype === "auto" ? await autoDtype(source, options.device) : options.dtype;
    // Reads from a local folder report "progress" too; only hub fetches are downloads.
    const track = onProgress && source.kind === "hub" ? downloadTracker(onProgress) : undefined;
    const common: Record<string, unknown> = {
      local_files_only: source.kind === "folder",
      progress_callback: (p: HubProgress) => track?.(p),
    };
    let modelType: string | undefined;
    try {
      onProgress?.({ stage: "load" });
      const config = (await AutoConfig.from_pretrained(name, common as never)) as unknown as {
        model_type?: string;
      };
      modelType = config.model_type;
    } catch (cause) {
      throw notFound(source, cause);
    }
    // Before any weights are fetched: a family we cannot run fails here, in one line.
    if (!isSupportedModelType(modelType)) throw unsupportedModel(modelType, describeSource(source));
    try {
      const processor = (await AutoProcessor.from_pretrained(name, common)) as unknown as Proc & ImageProc;
      const tokenizer =
        processor.tokenizer ?? ((await AutoTokenizer.from_pretrained(name, common)) as unknown as Tok);
      const model = (await AutoModelForImageTextToText.from_pretrained(name, {
        ...common,
        device: options.device,
        ...(dtype ? { dtype } : {}),
      } as never)) as unknown as Model;
      const imageProcessor = processor.image_processor ?? processor;
      const chatTemplate = typeof tokenizer.chat_template === "string" ? tokenizer.chat_template : undefined;
      const edge = typeof options.imageEdge === "number" ? options.imageEdge : processorEdge(imageProcessor);
      const featuresPerImage = featureCounter(model.config, (pixel_values) =>
        model.encode_image({ pixel_values }),
      );
      // A config that does not tell the feature count (nanoLLaVA's) gets it measured here, once,
      // on a blank photo: no request pays an extra encoder pass for it.
      if (!model.config.vision_config?.patch_size) {
        const blank = new RawImage(new Uint8ClampedArray(edge * edge * 3).fill(255), edge, edge, 3);
        await featuresPerImage((await imageProcessor([blank])).pixel_values, 1);
      }
      onProgress?.({ stage: "ready" });
      return {
        model,
        tokenizer,
        imageProcessor,
        modelType,
        template: chatTemplate ?? templateFile(source),
        imageTokenId: imageTokenIdOf(model.config, tokenizer),
        copySize: { edge, fit: "cover" },
        featuresPerImage,
      };
    } catch (cause) {
      if (options.device === "cuda" && /cuda|provider/i.test(String((cause as Error)?.message))) {
        throw new CodedError(
          ErrorCode.ModelNotFound,
          "The CUDA execution provider is not available. Install onnxruntime-node's CUDA build (ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install, as the README's GPU section says) or set model.device: cpu.",
          { cause },
        );
      }
      if (cause instanceof CodedError) throw cause;
      throw notFound(source, cause);
    }
  }

  function load(onProgress?: (p: LoadProgress) => void) {
    loading ??= doLoad(onProgress).catch((err: unknown) => {
      loading = undefined; // a later call may retry (e.g. after the folder appears)
      throw err;
    });
    return loading;
  }

  /** Token ids (with each image placeholder expanded to its features) and pixel inputs. */
  async function encodeInputs(loaded: Loaded, request: GenerateRequest): Promise<Record<string, unknown>> {
    const { tokenizer } = loaded;
    const placed = request.messages.reduce((n, m) => n + (m.imageCount ?? 0), 0);
    if (placed !== request.images.length)
      throw new CodedError(
        ErrorCode.Internal,
        `The conversation places ${placed} image(s) but the request has ${request.images.length}.`,
      );
    const text = (await tokenizer(promptFor(loaded, tokenizer, request.messages))) as {
      input_ids: { dims: number[]; data: ArrayLike<bigint> };
    };
    if (request.images.length === 0) return text;
    const images = await Promise.all(request.images.map((image) => rawCopy(image, loaded.copySize)));
    const pixels = await loaded.imageProcessor(images);
    const perImage = await loaded.featuresPerImage(pixels.pixel_values, images.length);
    return {
      ...pixels,
      ...expandImageTokens(text.input_ids, loaded.imageTokenId, images.length, perImage),
    };
  }

  return {
    id: source.kind === "folder" ? source.path : source.id,
    async load(onProgress) {
      await load(onProgress);
    },
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const loaded = await load();
      const { model, tokenizer } = loaded;
      if (request.signal?.aborted) throw new CodedError(ErrorCode.Aborted, "The request was cancelled.");
      const t0 = performance.now();
      const inputs = await encodeInputs(loaded, request);
      const t1 = performance.now();

      const stopper = new InterruptableStoppingCriteria();
      const stops = request.stop ?? [];
      const guard = new GenerationGuard(
        (inputs.input_ids as Seq).dims[1] ?? 0,
        stops,
        (ids) => tokenizer.batch_decode([ids], { skip_special_tokens: true })[0] ?? "",
      );
      const onAbort = () => stopper.interrupt();
      request.signal?.addEventListener("abort", onAbort, { once: true });
      let firstTokenAt: number | undefined;
      // A call whose text nobody watches (request.unseen) decodes straight through, unstreamed.
      const streamer = !request.unseen
        ? new TextStreamer(
            tokenizer as never,
            {
              skip_prompt: true,
              skip_special_tokens: true,
              callback_function: (text: string) => {
                if (text) request.onToken?.(text);
              },
              token_callback_function: () => {
                firstTokenAt ??= performance.now();
              },
            } as never,
          )
        : undefined;
      const maxNewTokens = request.maxNewTokens ?? options.maxNewTokens;
      const temperature = request.temperature ?? options.temperature;
      let output: Seq;
      try {
        output = await model.generate({
          ...inputs,
          max_new_tokens: maxNewTokens,
          do_sample: temperature > 0,
          ...(temperature > 0 ? { temperature } : {}),
          stopping_criteria: [stopper, guard],
          ...(streamer ? { streamer } : {}),
        });
      } finally {
        request.signal?.removeEventListener("abort", onAbort);
      }
      const t2 = performance.now();
      const promptTokens = (inputs.input_ids as Seq).dims[1] ?? 0;
      const newIds = output.slice(null, [promptTokens, null]);
      const decoded = tokenizer.batch_decode(newIds, { skip_special_tokens: true })[0] ?? "";
      const text = cutAtStop(decoded, stops).text.trim();
      const completionTokens = (newIds.dims[1] ?? 0) as number;
      const finishReason = request.signal?.aborted
        ? "abort"
        : completionTokens >= maxNewTokens && !guard.reason
          ? "length"
          : "stop";
      return {
        text,
        promptTokens,
        completionTokens,
        finishReason,
        timings: {
          preprocessMs: t1 - t0,
          prefillMs: (firstTokenAt ?? t2) - t1,
          decodeMs: t2 - (firstTokenAt ?? t2),
        },
      };
    },
    async dispose() {
      const loaded = await loading?.catch(() => undefined);
      loading = undefined;
      await loaded?.model.dispose();
    },
  };
}
