import { bpeTables, QWEN_SPECIAL } from "./bpe.js";
import { HIDDEN } from "./graphs.js";
import { SPECIAL, VOCAB } from "./vocab.js";

/** The JSON files of transformers.js-loadable tiny model folders, one builder per tokenizer style. */

/** LLaVA-1.5's Vicuna conversation format; content may be a string or {type: image|text} parts. */
export const VICUNA_TEMPLATE = [
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

/** LLaVA-OneVision's ChatML template: a turn's images first, then its text. */
export const ONEVISION_TEMPLATE = [
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' }}",
  "{% if message['content'] is string %}{{ message['content'] }}",
  "{% else %}{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>\\n' }}{% endif %}{% endfor %}",
  "{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}",
  "{{ '<|im_end|>\\n' }}{% endfor %}",
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
].join("");

/** Qwen2's own template, which nanoLLaVA ships: plain string content, `<image>` written in the text. */
export const QWEN2_TEMPLATE = [
  "{% for message in messages %}",
  "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}",
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}",
  "{% endfor %}",
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
].join("");

/** A one-layer text model's config in the shape its family's checkpoints use. */
export function textConfig(modelType: "llama" | "qwen2", vocabSize: number): Record<string, unknown> {
  return {
    model_type: modelType,
    hidden_size: HIDDEN,
    intermediate_size: HIDDEN * 2,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    num_key_value_heads: 1,
    head_dim: HIDDEN,
    vocab_size: vocabSize,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-6,
    ...(modelType === "qwen2" ? { rope_theta: 1000000, tie_word_embeddings: true } : { rope_theta: 10000 }),
  };
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json + tokenizer_config.json for the Vicuna-style word vocabulary. */
export function wordTokenizer(chatTemplate: string | undefined): Record<string, unknown> {
  const special = new Set<string>(Object.values(SPECIAL));
  return {
    "tokenizer_config.json": {
      tokenizer_class: "LlamaTokenizer",
      bos_token: SPECIAL.bos,
      eos_token: SPECIAL.eos,
      unk_token: SPECIAL.unk,
      pad_token: SPECIAL.pad,
      model_max_length: 4096,
      ...(chatTemplate ? { chat_template: chatTemplate } : {}),
    },
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: VOCAB.flatMap((content, id) => (special.has(content) ? [addedToken(id, content)] : [])),
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

/** Qwen2's pre-tokenizer split, as Qwen2 tokenizers ship it. */
const QWEN_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** tokenizer.json + tokenizer_config.json for a Qwen2-style byte-level BPE with ChatML markers. */
export function qwenTokenizer(chatTemplate: string): Record<string, unknown> {
  const { vocab, merges, added } = bpeTables();
  return {
    "tokenizer_config.json": {
      tokenizer_class: "Qwen2Tokenizer",
      bos_token: null,
      eos_token: QWEN_SPECIAL.imEnd,
      pad_token: QWEN_SPECIAL.endoftext,
      unk_token: null,
      errors: "replace",
      split_special_tokens: false,
      model_max_length: 32768,
      additional_special_tokens: [QWEN_SPECIAL.imStart, QWEN_SPECIAL.imEnd],
      added_tokens_decoder: Object.fromEntries(added.map((t) => [String(t.id), addedToken(t.id, t.content)])),
      chat_template: chatTemplate,
    },
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: added.map((t) => addedToken(t.id, t.content)),
      normalizer: { type: "NFC" },
      pre_tokenizer: {
        type: "Sequence",
        pretokenizers: [
          { type: "Split", pattern: { Regex: QWEN_SPLIT }, behavior: "Isolated", invert: false },
          { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
        ],
      },
      post_processor: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
      decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
      model: {
        type: "BPE",
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: "",
        end_of_word_suffix: "",
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges,
      },
    },
  };
}
