/** Prompts the engine sends to the model, in one place so they can be tuned together. */
export const PROMPTS = {
  describe: "Describe this image in detail: the subject, the setting, and anything unusual.",
  caption:
    "Write a one-sentence caption for this image, then on a new line starting with 'Alt text:' a plain description of it for screen readers.",
  altText:
    "Describe this image plainly for someone who cannot see it, in one or two sentences. Do not start with 'Image of'.",
} as const;
