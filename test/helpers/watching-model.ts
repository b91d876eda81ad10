import { expect } from "vitest";
import type { ModelPort } from "../../src/core/model-port.js";
import { tinyModelPort } from "./tiny-model.js";

export interface Seen {
  width: number;
  height: number;
}

/** A model that answers as `port` does and keeps the size of every image it was shown. */
function watchingImages(port: ModelPort): ModelPort & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    id: `watching-${port.id}`,
    seen,
    load: () => port.load(),
    dispose: () => port.dispose(),
    generate(request) {
      for (const { width, height } of request.images) seen.push({ width, height });
      return port.generate(request);
    },
  };
}

/**
 * The tiny model, watched, put in place of an e2e harness's model through its override: the
 * answers are the tiny model's own, and `seen` says what size each image reached it at.
 */
export async function watchTinyModel(setOverride: (port: ModelPort | undefined) => void) {
  const model = watchingImages(await tinyModelPort());
  setOverride(model);
  return {
    seen: model.seen,
    forget: () => {
      model.seen.length = 0;
    },
    async close() {
      setOverride(undefined);
      await model.dispose();
    },
  };
}

/** One image reached the model, upright in the proportions of a `width` × `height` photo (perhaps shrunk). */
export function expectOneUpright(seen: Seen[], width: number, height: number): void {
  expect(seen).toHaveLength(1);
  const [image] = seen;
  expect(image && image.width > image.height).toBe(width > height);
  expect((image?.width ?? 0) / (image?.height ?? 1)).toBeCloseTo(width / height, 2);
}
