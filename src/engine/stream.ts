/**
 * What of a generation is worth showing while it is written. Plain answers show as they come; a
 * LLaVA-Plus turn (`"thoughts🤔" … "actions🚀" […] "value👉" answer`) or a JSON tool call shows
 * only its value part, so nobody sees the planner's markup.
 */
export function answerView(): (delta: string) => string | undefined {
  let raw = "";
  return (delta) => {
    raw += delta;
    const trimmed = raw.trimStart();
    if (trimmed.length < 12 && /^["'`{[]|^tho/i.test(trimmed)) return undefined; // too early to tell
    const structured = /^["'`]*thoughts|^[{[]|^```/i.test(trimmed);
    if (!structured) return trimmed;
    const at = trimmed.indexOf("value👉");
    if (at < 0) return undefined;
    const value = trimmed
      .slice(at + "value👉".length)
      .replace(/^["'\s:]+/, "")
      .replace(/["'}\]\s]+$/, "");
    return value || undefined;
  };
}

/**
 * Calls `publish` with the latest text at most once per `intervalMs`: the first piece at once
 * (so the first words show fast), then the newest text at the end of each interval. Text in
 * between is dropped, not queued, since each publish carries everything so far.
 */
export function throttle(publish: (text: string) => void, intervalMs: number) {
  let last = 0;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending === undefined) return;
    last = Date.now();
    const text = pending;
    pending = undefined;
    publish(text);
  };
  return {
    push(text: string) {
      pending = text;
      if (timer) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    /** Drops whatever has not been published (the final answer is on its way). */
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
