import type { ModelImage } from "../core/model-port.js";
import type { EngineRequest } from "./types.js";

/**
 * How a request's images split between its turns: the earlier turns' come first, as many as
 * their `imageCount`s say, and the rest are this turn's own. A skill or a planner tool sees this
 * turn's images, or, on a follow-up that brought none, the conversation's newest (LLaVA-Plus
 * tool calls name no image, so the tool prompt says which one).
 */
export function turnImages(request: Pick<EngineRequest, "images" | "history">): {
  own: ModelImage[];
  forTools: ModelImage[];
} {
  const earlier = Math.min(
    request.images.length,
    request.history.reduce((n, h) => n + (h.imageCount ?? 0), 0),
  );
  const own = request.images.slice(earlier);
  return { own, forTools: own.length ? own : request.images.slice(-1) };
}
