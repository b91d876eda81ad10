/**
 * chat.update is Tier 3: about 50 a minute per workspace, shared by every answer being written
 * there. Partial edits spend what finals do not need: each live answer keeps one edit back for
 * its final text and one for its first words, so a busy workspace shows fewer intermediate
 * edits rather than a final answer waiting out a rate limit. A `ratelimited` answer pauses the
 * workspace's partial edits for Slack's Retry-After.
 */
export function createEditBudget(perMinute = 50) {
  const teams = new Map<string, { tokens: number; at: number; pausedUntil: number; live: number }>();
  function team(id: string) {
    const now = Date.now();
    const t = teams.get(id) ?? { tokens: perMinute, at: now, pausedUntil: 0, live: 0 };
    t.tokens = Math.min(perMinute, t.tokens + ((now - t.at) / 60_000) * perMinute);
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
      const reserve = first ? t.live : 2 * t.live;
      if (Date.now() < t.pausedUntil || t.tokens < 1 + reserve) return false;
      t.tokens -= 1;
      return true;
    },
    /** A final edit always goes; it is counted so partials leave room for the next ones. */
    final(id: string) {
      team(id).tokens -= 1;
    },
    pause(id: string, seconds: number) {
      team(id).pausedUntil = Date.now() + seconds * 1000;
    },
  };
}

export type EditBudget = ReturnType<typeof createEditBudget>;
