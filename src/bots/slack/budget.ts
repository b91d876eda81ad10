/**
 * chat.update is Tier 3: about 50 a minute per workspace, shared by every answer being written
 * there. The budget counts the calls of the last minute (a sliding window, so no minute of any
 * clock Slack keeps sees more than the limit), and ranks them: a final answer always goes (every
 * live answer keeps one edit back for it); an answer's first words may use the rest; later
 * partial edits and status lines are paced to `laterShare` of the limit (a small burst, then
 * steady), so a long answer keeps moving, a busy workspace sees fewer intermediate edits, and
 * neither new answers' first words nor final answers wait out a rate limit. A `ratelimited`
 * answer pauses partial edits for Slack's Retry-After.
 */
export function createEditBudget(perMinute = 50, laterShare = 0.6, burst = 10) {
  const perMs = (perMinute * laterShare) / 60_000;
  const teams = new Map<
    string,
    { calls: number[]; pausedUntil: number; live: number; later: number; at: number }
  >();
  function team(id: string) {
    const now = Date.now();
    const t = teams.get(id) ?? { calls: [], pausedUntil: 0, live: 0, later: burst, at: now };
    while (t.calls.length && (t.calls[0] ?? 0) <= now - 60_000) t.calls.shift();
    t.later = Math.min(burst, t.later + (now - t.at) * perMs);
    t.at = now;
    teams.set(id, t);
    return t;
  }
  return {
    /** An answer started (true) or finished (false) in this workspace. */
    live(id: string, on: boolean) {
      const t = team(id);
      t.live = Math.max(0, t.live + (on ? 1 : -1));
    },
    /** May a partial edit go out now? `first`: the answer has shown no words yet. */
    partial(id: string, first: boolean): boolean {
      const t = team(id);
      if (Date.now() < t.pausedUntil || t.calls.length + 1 + t.live > perMinute) return false;
      if (!first && t.later < 1) return false;
      if (!first) t.later -= 1;
      t.calls.push(Date.now());
      return true;
    },
    /** A final edit always goes; it is counted so partials leave room for the next ones. */
    final(id: string) {
      team(id).calls.push(Date.now());
    },
    pause(id: string, seconds: number) {
      team(id).pausedUntil = Date.now() + seconds * 1000;
    },
  };
}
