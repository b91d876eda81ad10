// The week view of scheduled posts (/scheduled in the composer, or the Scheduled button): seven
// day columns from today, each post at its time with its network, caption start and thumbnail,
// and Publish now, Reschedule and Cancel. The server decides who may (the person who scheduled
// it and approvers) and words each refusal; this page shows its sentence. Instants arrive as ISO
// 8601 and are written in this browser's locale and zone. Uses el, announce and browserZone.
const week = { offset: 0, posts: [] };
const DAY_MS = 24 * 3600 * 1000;

/** Local midnight `days` after today's. */
function dayStart(days) {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
}

const dayLabel = (d) => d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
const timeLabel = (iso) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

function weekNote(text, error = false) {
  const note = $("week-note");
  note.className = error ? "error" : "";
  note.textContent = text;
  announce(text);
}

async function loadWeek() {
  const res = await fetch("/api/scheduled").catch(() => undefined);
  if (!res?.ok) return weekNote("Cannot reach the bot. Is llava-bot still running?", true);
  week.posts = (await res.json()).posts;
  drawWeek();
}

/** Sends Publish now, Reschedule or Cancel; on success the week is drawn again. */
async function changeScheduled(post, action, note, when) {
  note.className = "entry-note";
  note.textContent = "Working on it…";
  const res = await fetch("/api/scheduled/change", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ approvalId: post.approvalId, action, when, zone: browserZone() }),
  }).catch(() => undefined);
  const json = res ? await res.json().catch(() => ({})) : {};
  if (!res?.ok) {
    note.className = "entry-note error";
    note.textContent = json.error || "Cannot reach the bot. Is llava-bot still running?";
    announce(note.textContent);
    return;
  }
  await loadWeek();
  // The server's sentence writes the time in its zone; this browser writes it in the reader's.
  weekNote(json.at ? `Rescheduled for ${localTime(json.at)}.` : json.message);
  $("week-note").focus();
}

function entry(post) {
  const when = timeLabel(post.at);
  const what = `${post.network} post at ${when}, ${dayLabel(new Date(post.at))}`;
  const note = el("p", { class: "entry-note" });
  const action = (label, act) => {
    const b = el("button", {
      type: "button",
      class: "post-action",
      text: label,
      "aria-label": `${label}: ${what}`,
    });
    b.addEventListener("click", () => act(b));
    return b;
  };
  const input = el("input", {
    type: "text",
    autocomplete: "off",
    maxlength: "200",
    placeholder: "friday 17:30",
  });
  const form = el("form", { class: "reschedule", hidden: "" }, [
    el("label", {}, ["New time ", input]),
    el("button", { type: "submit", class: "post-action", text: "Move", "aria-label": `Move: ${what}` }),
  ]);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value.trim()) changeScheduled(post, "reschedule", note, input.value.trim());
  });
  return el("li", { class: "entry", "data-approval": post.approvalId }, [
    ...(post.thumb ? [el("img", { src: post.thumb, alt: post.thumbAlt, width: "64", height: "64" })] : []),
    el("div", { class: "entry-body" }, [
      el("p", { class: "entry-when" }, [
        el("time", { datetime: post.at, text: when }),
        ` · ${post.network} · caption ${post.captionNumber}`,
      ]),
      el("p", { class: "entry-caption", text: post.caption }),
      el("p", { class: "entry-by", text: `scheduled by ${post.mine ? "you" : "a teammate"}` }),
      el("div", { class: "entry-actions" }, [
        action("Publish now", () => changeScheduled(post, "publish-now", note)),
        action("Reschedule", (b) => {
          form.hidden = !form.hidden;
          b.setAttribute("aria-expanded", String(!form.hidden));
          if (!form.hidden) input.focus();
        }),
        action("Cancel", () => changeScheduled(post, "cancel", note)),
      ]),
      form,
      note,
    ]),
  ]);
}

function drawWeek() {
  const first = dayStart(week.offset * 7);
  const days = Array.from({ length: 7 }, (_, i) => dayStart(week.offset * 7 + i));
  const end = dayStart(week.offset * 7 + 7);
  $("week-range").textContent = `${dayLabel(first)} – ${dayLabel(new Date(end.getTime() - DAY_MS / 2))}`;
  $("week").replaceChildren(
    ...days.map((day, i) => {
      const next = i < 6 ? days[i + 1] : end;
      const posts = week.posts.filter((p) => new Date(p.at) >= day && new Date(p.at) < next);
      const id = `day-${i}`;
      const today = week.offset === 0 && i === 0;
      return el("li", { class: today ? "day today" : "day", "aria-labelledby": id }, [
        el("h3", { id, text: today ? `Today, ${dayLabel(day)}` : dayLabel(day) }),
        posts.length
          ? el("ol", { class: "entries" }, posts.map(entry))
          : el("p", { class: "empty", text: "Nothing scheduled" }),
      ]);
    }),
  );
}

/** Shows the week view, this week first, and moves focus to its heading. */
async function openScheduled() {
  week.offset = 0;
  $("scheduled").hidden = false;
  $("week-note").textContent = "";
  await loadWeek();
  $("scheduled-title").focus();
}

$("show-scheduled").addEventListener("click", openScheduled);
$("week-prev").addEventListener("click", () => {
  week.offset--;
  drawWeek();
});
$("week-next").addEventListener("click", () => {
  week.offset++;
  drawWeek();
});
$("week-close").addEventListener("click", () => {
  $("scheduled").hidden = true;
  $("show-scheduled").focus();
});
