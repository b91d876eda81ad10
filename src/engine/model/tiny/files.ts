import { HIDDEN, IMAGE_SIZE } from "./graphs.js";
import { SPECIAL, tokenId, VOCAB } from "./vocab.js";

/** The JSON files of a transformers.js-loadable LLaVA folder. */

/** LLaVA-1.5 conversation format; content may be a string or a list of {type: image|text} parts. */
export const CHAT_TEMPLATE = [
  "{% for message in messages %}",
  "{% if message['role'] == 'system' %}{{ message['content'] }}\n",
  "{% elif message['role'] == 'user' %}USER: ",
  "{% if message['content'] is string %}{{ message['content'] }}",
  "{% else %}{% for part in message['content'] %}{% if part['type'] == 'image' %}<image>\n{% else %}{{ part['text'] }}{% endif %}{% endfor %}",
  "{% endif %} ",
  "{% else %}ASSISTANT: ",
  "{% if message['content'] is string %}{{ message['content'] }}",
  "{% else %}{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}</s>",
  "{% endif %}{% endfor %}",
  "{% if add_generation_prompt %}ASSISTANT:{% endif %}",
].join("");

export function modelFiles(): Record<string, unknown> {
  const special = new Set<string>(Object.values(SPECIAL));
  const text_config = {
    model_type: "llama",
    hidden_size: HIDDEN,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    num_key_value_heads: 1,
    head_dim: HIDDEN,
    vocab_size: VOCAB.length,
  };
  return {
    "config.json": {
      architectures: ["LlavaForConditionalGeneration"],
      model_type: "llava",
      image_token_index: tokenId(SPECIAL.image),
      text_config,
      vision_config: {
        model_type: "clip_vision_model",
        hidden_size: HIDDEN,
        image_size: IMAGE_SIZE,
        patch_size: IMAGE_SIZE,
      },
      bos_token_id: tokenId(SPECIAL.bos),
      eos_token_id: tokenId(SPECIAL.eos),
      pad_token_id: tokenId(SPECIAL.pad),
      "llava-bot": { purpose: "offline test model: answers the dominant colour of the image" },
    },
    "generation_config.json": {
      bos_token_id: tokenId(SPECIAL.bos),
      eos_token_id: tokenId(SPECIAL.eos),
      pad_token_id: tokenId(SPECIAL.pad),
      max_new_tokens: 16,
    },
    "preprocessor_config.json": {
      image_processor_type: "CLIPImageProcessor",
      processor_class: "LlavaProcessor",
      do_resize: true,
      size: { height: IMAGE_SIZE, width: IMAGE_SIZE },
      do_center_crop: false,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0, 0, 0],
      image_std: [1, 1, 1],
      do_convert_rgb: true,
      resample: 2,
    },
    "processor_config.json": {
      processor_class: "LlavaProcessor",
      image_token: SPECIAL.image,
      patch_size: IMAGE_SIZE,
      num_additional_image_tokens: 0,
    },
    "tokenizer_config.json": {
      tokenizer_class: "PreTrainedTokenizer",
      bos_token: SPECIAL.bos,
      eos_token: SPECIAL.eos,
      unk_token: SPECIAL.unk,
      pad_token: SPECIAL.pad,
      model_max_length: 4096,
      chat_template: CHAT_TEMPLATE,
    },
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: VOCAB.flatMap((content, id) =>
        special.has(content)
          ? [
              {
                id,
                content,
                single_word: false,
                lstrip: false,
                rstrip: false,
                normalized: false,
                special: true,
              },
            ]
          : [],
      ),
      normalizer: { type: "Lowercase" },
      pre_tokenizer: { type: "Whitespace" },
      post_processor: null,
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: {
        type: "WordPiece",
        unk_token: SPECIAL.unk,
        continuing_subword_prefix: "##",
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      },
    },
  };
}
