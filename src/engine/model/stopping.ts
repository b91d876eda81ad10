import { StoppingCriteria } from "@huggingface/transformers";

/**
 * Ends a generation early, before max_new_tokens: when the text reaches one of the request's
 * stop sequences, or when the model is looping (its last tokens are one short run repeated), as
 * a small greedy model can do until it has spent all 512 tokens.
 */

/** How many times a run of `period` tokens must repeat back to back to count as a loop. */
function loopRepeats(period: number): number {
  return Math.max(3, Math.ceil(12 / period));
}

/** Whether the ids end in one run of 1–32 tokens repeated loopRepeats(run) times. */
export function isLooping(ids: readonly bigint[]): boolean {
  for (let period = 1; period <= 32; period++) {
    const repeats = loopRepeats(period);
    if (ids.length < period * repeats) break;
    const end = ids.length;
    let looping = true;
    for (let i = end - period * (repeats - 1); i < end && looping; i++) looping = ids[i] === ids[i - period];
    if (looping) return true;
  }
  return false;
}

/** The text up to the first stop sequence, and whether one was found. */
export function cutAtStop(text: string, stops: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const stop of stops) {
    const i = stop ? text.indexOf(stop) : -1;
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

export class GenerationGuard extends StoppingCriteria {
  /** Set when the guard, not the model, ended the text. */
  reason: "loop" | "stop" | undefined;

  constructor(
    private readonly promptLength: number,
    private readonly stops: readonly string[],
    private readonly decode: (ids: bigint[]) => string,
  ) {
    super();
  }

  override _call(inputIds: (bigint | number)[][]): boolean[] {
    return inputIds.map((row) => {
      const ids = row.slice(this.promptLength).map((v) => BigInt(v));
      if (isLooping(ids)) this.reason = "loop";
      else if (this.stops.length && cutAtStop(this.decode(ids.slice(-24)), this.stops).stopped)
        this.reason = "stop";
      return this.reason !== undefined;
    });
  }
}
