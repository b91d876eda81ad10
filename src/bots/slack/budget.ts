/**
 * chat.update is Tier 3: about 50 a minute per workspace, shared by every answer being written
 * there. The budget counts the calls of the last minute (a sliding window, so no minute of any
 * clock Slack keeps sees more than its share). Edits are ranked: a final answer always goes
 * (every live answer keeps one back for it); an answer's first words may use the rest; later
 * partial edits and status lines only the first `laterShare` of the window, so a busy workspace
 * shows fewer intermediate edits rather than new answers waiting a minute for their first words
 * or a final answer waiting out a rate limit. A `ratelimited` answer pauses partial edits for
 * Slack's Retry-After.
 */
export function createEditBudget(perMinute = 50, laterShare = 0.6) {
  const teams = new Map<string, { calls: number[]; pausedUntil: number; live: number }>();
  function team(id: string) {
    const t = teams.get(id) ?? { calls: [], pausedUntil: 0, live: 0 };
    const since = Date.now() - 60_000;
    while (t.calls.length && (t.calls[0] ?? 0) <= since) t.calls.shift();
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
      const room = first ? perMinute : Math.floor(perMinute * laterShare);
      if (Date.now() < t.pausedUntil || t.calls.length + 1 + t.live > room) return false;
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

export type EditBudget = ReturnType<typeof createEditBudget>;
