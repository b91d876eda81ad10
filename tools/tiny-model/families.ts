import { bpeTables, QWEN_SPECIAL } from "./bpe.js";
import {
  ONEVISION_TEMPLATE,
  QWEN2_TEMPLATE,
  qwenTokenizer,
  textConfig,
  VICUNA_TEMPLATE,
  wordTokenizer,
} from "./files.js";
import { featuresPerImage, HIDDEN, type VisionSpec } from "./graphs.js";
import { SPECIAL, type TinyVocab, wordVocab } from "./vocab.js";

/**
 * The model families llava-bot names, each as a tiny folder whose files have the shape of the
 * family's public checkpoints (config, processor and tokenizer files), so the real loading path
 * runs: LLaVA-1.5 (llava-hf/llava-1.5-7b-hf), LLaVA-OneVision
 * (llava-hf/llava-onevision-qwen2-0.5b-ov-hf) and nanoLLaVA (qnguyen3/nanoLLaVA, `llava_qwen2`).
 */
export const FAMILIES = ["llava", "onevision", "llava-qwen2"] as const;
export type TestFamily = (typeof FAMILIES)[number];

export function isFamily(value: string): value is TestFamily {
  return (FAMILIES as readonly string[]).includes(value);
}

export interface FamilyModel {
  vocab: TinyVocab;
  vision: VisionSpec;
  files: Record<string, unknown>;
}

const CLIP = {
  mean: [0.48145466, 0.4578275, 0.40821073] as [number, number, number],
  std: [0.26862954, 0.26130258, 0.27577711] as [number, number, number],
};
const SIGLIP = {
  mean: [0.5, 0.5, 0.5] as [number, number, number],
  std: [0.5, 0.5, 0.5] as [number, number, number],
};

/** The resize, rescale and normalisation fields every family's image processor config carries. */
function imageProcessing(vision: VisionSpec) {
  return {
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: vision.mean,
    image_std: vision.std,
    resample: 3,
    rescale_factor: 1 / 255,
  };
}

const PURPOSE = { purpose: "offline test model: answers the dominant colour of the image" };

function generationConfig(vocab: TinyVocab) {
  return {
    ...(vocab.bosId !== undefined ? { bos_token_id: vocab.bosId } : {}),
    eos_token_id: vocab.eosId,
    pad_token_id: vocab.padId,
    max_new_tokens: 16,
  };
}

/** LLaVA-1.5: CLIP ViT (the class token dropped by the "default" feature strategy), Vicuna prompt. */
function llava(): FamilyModel {
  const vision: VisionSpec = { imageSize: 32, patchSize: 8, ...CLIP };
  const vocab = wordVocab;
  return {
    vocab,
    vision,
    files: {
      "config.json": {
        architectures: ["LlavaForConditionalGeneration"],
        model_type: "llava",
        image_token_index: vocab.imageId,
        projector_hidden_act: "gelu",
        vision_feature_layer: -2,
        vision_feature_select_strategy: "default",
        image_seq_length: featuresPerImage(vision),
        text_config: textConfig("llama", vocab.size),
        vision_config: {
          model_type: "clip_vision_model",
          hidden_size: HIDDEN,
          image_size: vision.imageSize,
          patch_size: vision.patchSize,
          num_hidden_layers: 1,
          num_attention_heads: 1,
          projection_dim: HIDDEN,
        },
        bos_token_id: vocab.bosId,
        eos_token_id: vocab.eosId,
        pad_token_id: vocab.padId,
        "llava-bot": PURPOSE,
      },
      "generation_config.json": generationConfig(vocab),
      "preprocessor_config.json": {
        ...imageProcessing(vision),
        image_processor_type: "CLIPImageProcessor",
        processor_class: "LlavaProcessor",
        crop_size: { height: vision.imageSize, width: vision.imageSize },
        do_center_crop: true,
        do_convert_rgb: true,
        size: { shortest_edge: vision.imageSize },
      },
      // As llava-hf ships it: one extra token for CLIP's class token, which the "default"
      // strategy then drops, so the processor's own count is one more than the encoder returns.
      "processor_config.json": {
        processor_class: "LlavaProcessor",
        image_token: SPECIAL.image,
        patch_size: vision.patchSize,
        num_additional_image_tokens: 1,
        vision_feature_select_strategy: "default",
      },
      // Recent llava-hf repositories keep the template in its own file; older ones have none.
      "chat_template.json": { chat_template: VICUNA_TEMPLATE },
      ...wordTokenizer(undefined),
    },
  };
}

/** LLaVA-OneVision: SigLIP (no class token, "full" strategy), Qwen2 language model, ChatML. */
function onevision(): FamilyModel {
  const vision: VisionSpec = { imageSize: 40, patchSize: 8, ...SIGLIP };
  const { spec: vocab } = bpeTables();
  return {
    vocab,
    vision,
    files: {
      "config.json": {
        architectures: ["LlavaOnevisionForConditionalGeneration"],
        model_type: "llava_onevision",
        image_token_index: vocab.imageId,
        video_token_index: vocab.size + 1, // a slot past the vocabulary: the test model has no video
        projector_hidden_act: "gelu",
        vision_feature_layer: -1,
        vision_feature_select_strategy: "full",
        vision_aspect_ratio: "anyres_max_9",
        image_grid_pinpoints: [[vision.imageSize, vision.imageSize]],
        tie_word_embeddings: true,
        text_config: textConfig("qwen2", vocab.size),
        vision_config: {
          model_type: "siglip_vision_model",
          hidden_size: HIDDEN,
          image_size: vision.imageSize,
          patch_size: vision.patchSize,
          num_hidden_layers: 1,
          num_attention_heads: 1,
          intermediate_size: HIDDEN * 2,
          vision_use_head: false,
        },
        "llava-bot": PURPOSE,
      },
      "generation_config.json": generationConfig(vocab),
      "preprocessor_config.json": {
        ...imageProcessing(vision),
        image_processor_type: "LlavaOnevisionImageProcessor",
        processor_class: "LlavaOnevisionProcessor",
        do_convert_rgb: true,
        do_pad: true,
        image_grid_pinpoints: [[vision.imageSize, vision.imageSize]],
        size: { height: vision.imageSize, width: vision.imageSize },
      },
      "processor_config.json": {
        processor_class: "LlavaOnevisionProcessor",
        image_token: QWEN_SPECIAL.image,
        video_token: "<video>",
        num_image_tokens: featuresPerImage(vision),
        vision_feature_select_strategy: "full",
      },
      ...qwenTokenizer(ONEVISION_TEMPLATE),
    },
  };
}

/** nanoLLaVA: a flat Qwen-style config naming its SigLIP tower; no processor class of its own. */
function llavaQwen2(): FamilyModel {
  const vision: VisionSpec = { imageSize: 24, patchSize: 8, ...SIGLIP };
  const { spec: vocab } = bpeTables();
  return {
    vocab,
    vision,
    files: {
      "config.json": {
        architectures: ["LlavaQwen2ForCausalLM"],
        ...textConfig("qwen2", vocab.size),
        model_type: "llava_qwen2",
        image_token_index: vocab.imageId,
        mm_vision_tower: "google/siglip-so400m-patch14-384",
        mm_hidden_size: HIDDEN,
        mm_projector_type: "mlp2x_gelu",
        mm_vision_select_layer: -1,
        image_aspect_ratio: "pad",
        tokenizer_padding_side: "right",
        eos_token_id: vocab.eosId,
        "llava-bot": PURPOSE,
      },
      "generation_config.json": generationConfig(vocab),
      "preprocessor_config.json": {
        ...imageProcessing(vision),
        image_processor_type: "SiglipImageProcessor",
        size: { height: vision.imageSize, width: vision.imageSize },
      },
      ...qwenTokenizer(QWEN2_TEMPLATE),
    },
  };
}

export function familyModel(family: TestFamily): FamilyModel {
  if (family === "onevision") return onevision();
  if (family === "llava-qwen2") return llavaQwen2();
  return llava();
}
