/** Prompts the engine sends to the model, in one place so they can be tuned together. */
export const PROMPTS = {
  describe: "Describe this image in detail: the subject, the setting, and anything unusual.",
  caption:
    "Write a one-sentence caption for this image, then on a new line starting with 'Alt text:' a plain description of it for screen readers.",
  altText:
    "Describe this image plainly for someone who cannot see it, in one or two sentences. Do not start with 'Image of'.",
  /** The edit skill's fallback: followed by the operations it may use and the request (skills/edit/model.ts). */
  editFallback:
    'You turn a request to edit the attached photo into photo-editing operations. Use only the operations listed, with amounts inside their ranges. Anything that needs new content painted in (adding or removing things, a painting style) goes in "generate", in the user\'s words; anything else you cannot do goes in "unknown".',
} as const;
