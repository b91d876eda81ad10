// A post as the playground shows it: the card the server describes once for every platform
// (src/bots/post-card.ts: a title, a section per caption with Approve, notes, the refinements),
// drawn here with copy buttons and the prepared image. A click goes to /api/posts/:id/actions and
// becomes a job on the queue; its answer arrives over the event stream and redraws the same card.
// Model output is only ever set as textContent. Uses el, copyButton and announce from app.js.
// Once a caption is approved the card keeps saying which, and its buttons and menus are disabled.
const postCards = new Map();

/** The action a card component stands for: its id is post:<postId>:<action>. */
const actionOf = (id) => id.slice(id.lastIndexOf(":") + 1);
/** The card's light Markdown as plain words (emphasis marks dropped). */
const plainText = (text) => text.replace(/\*([^*\n]+)\*/g, "$1");

/** `action` marks the control so focus can find it again after the card redraws. */
function postButton(label, onClick, cls = "", action = "", name = "") {
  const b = el("button", {
    type: "button",
    class: `post-action ${cls}`.trim(),
    text: label,
    ...(action ? { "data-action": action } : {}),
    ...(name ? { "aria-label": name } : {}),
  });
  b.addEventListener("click", onClick);
  return b;
}

function postSelect(label, items, onPick, action) {
  const s = el("select", { class: "post-action", "aria-label": label, "data-action": action });
  s.append(el("option", { value: "", text: label }));
  for (const it of items) s.append(el("option", { value: it.value, text: it.label }));
  // Arrow keys on a closed menu change its value at once (Chromium on Linux and Windows): that is
  // browsing, not choosing, so a change made with keys waits for Enter; a pointer's applies at once.
  // Leaving without Enter puts the menu back, so what it shows is what the post has.
  let keyed = false;
  let pending = false;
  s.addEventListener("pointerdown", () => (keyed = false));
  s.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && pending && s.value) {
      e.preventDefault();
      pending = false;
      onPick(s.value);
    } else if (!e.altKey && e.key !== "Tab" && e.key !== "Enter") keyed = true;
  });
  s.addEventListener("change", () => {
    if (keyed) pending = true;
    else if (s.value) onPick(s.value);
  });
  s.addEventListener("blur", () => {
    if (pending) s.value = "";
    pending = false;
  });
  return s;
}

function localTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" });
}

/** This browser's IANA zone: the server reads typed times ("tomorrow 9am") there. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** What the server says a scheduling did, its instant in this browser's locale and zone. */
const scheduledNote = (caption, done) =>
  `${done.duplicate ? "Already scheduled" : "Scheduled"}: caption ${caption} goes out ${localTime(done.at)}.`;

function postNote(card, text, error = false) {
  card.note.className = error ? "post-note error" : "post-note";
  card.note.textContent = text;
}

async function postAct(card, action, value) {
  postNote(card, "Working on it…");
  card.root.classList.add("busy");
  const res = await fetch(`/api/posts/${encodeURIComponent(card.postId)}/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(value === undefined ? { action } : { action, value }),
  }).catch(() => undefined);
  if (res?.ok) {
    const done = await res.json().catch(() => ({}));
    // Scheduled: nothing comes back now; the note's ISO time in this browser's locale and zone.
    if (done.note) {
      card.root.classList.remove("busy");
      postNote(
        card,
        done.note.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, (iso) => localTime(iso)),
      );
      announce(card.note.textContent);
    }
    return;
  }
  const json = res ? await res.json().catch(() => ({})) : {};
  card.root.classList.remove("busy");
  postNote(card, json.error || "Cannot reach the bot. Is llava-bot still running?", true);
}

/** "Other time…": typed words for the chosen caption; a refusal is the server's one sentence. */
async function scheduleTyped(card, caption, words) {
  postNote(card, "Working on it…");
  const res = await fetch(`/api/posts/${encodeURIComponent(card.postId)}/schedule`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ caption, when: words, zone: browserZone() }),
  }).catch(() => undefined);
  const json = res ? await res.json().catch(() => ({})) : {};
  if (!res?.ok)
    return postNote(card, json.error || "Cannot reach the bot. Is llava-bot still running?", true);
  postNote(card, scheduledNote(caption, json));
  announce(card.note.textContent);
}

/** The typed-time form, beside the slot menu: a caption menu only when there is a choice. */
function whenForm(card, shown) {
  const captions = shown.sections.flatMap((s, i) => (s.button ? [i + 1] : []));
  if (!captions.length) return [];
  const input = el("input", {
    type: "text",
    class: "post-action",
    "data-action": "when",
    placeholder: "tomorrow 9am",
    autocomplete: "off",
    maxlength: "200",
  });
  const pick =
    captions.length > 1
      ? el(
          "select",
          { class: "post-action", "data-action": "when-caption", "aria-label": "Caption to schedule" },
          captions.map((n) => el("option", { value: String(n), text: `Caption ${n}` })),
        )
      : undefined;
  const form = el("form", { class: "post-when", "aria-label": "Schedule at another time" }, [
    el("label", {}, ["Other time… ", input]),
    ...(pick ? [pick] : []),
    el("button", { type: "submit", class: "post-action", "data-action": "when-go", text: "Schedule" }),
  ]);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value.trim()) scheduleTyped(card, Number(pick?.value || captions[0]), input.value.trim());
  });
  return [form];
}

/** The card's image and the approved post's alike: a thumbnail no wider than the card. */
function postImages(images) {
  return el(
    "div",
    { class: "images" },
    images.map((img) => {
      const src = `/blobs/${img.key}`;
      return el("figure", {}, [
        el("a", { href: src, download: img.filename }, [el("img", { src, alt: img.altText })]),
        el("figcaption", { text: `${img.filename} · ${img.width}×${img.height} · click to download` }),
      ]);
    }),
  );
}

function drawPost(card, shown) {
  card.shown = shown;
  // A redraw replaces every control: the one that had focus gets it back, when it is still there.
  const had = card.content.contains(document.activeElement) ? document.activeElement.dataset.action : "";
  const list = el("ol", { class: "variants" });
  shown.sections.forEach((section, i) => {
    const b = section.button;
    const n = i + 1;
    const approved = card.approved === n;
    list.append(
      el("li", approved ? { class: "approved" } : {}, [
        el("p", { text: section.copy ?? plainText(section.text) }, [
          ...(section.footer ? [el("small", { text: section.footer })] : []),
        ]),
        ...(section.copy ? [copyButton(section.copy, `Copy caption ${n}`)] : []),
        ...(b
          ? [
              postButton(
                approved ? "Approved" : b.label,
                () => {
                  card.approving = n;
                  postAct(card, actionOf(b.id));
                },
                b.primary ? "approve" : "",
                actionOf(b.id),
                `${approved ? "Approved" : b.label} caption ${n}`,
              ),
            ]
          : []),
        // A section's own buttons beyond Approve (a list card's), each acting on its own post.
        ...(section.buttons ?? []).map((sb) =>
          postButton(sb.label, () => postAct(card, actionOf(sb.id)), "", actionOf(sb.id), `${sb.label} ${n}`),
        ),
      ]),
    );
  });
  const controls = el(
    "div",
    { class: "post-controls" },
    shown.actions.map((a) =>
      a.type === "button"
        ? postButton(a.label, () => postAct(card, actionOf(a.id)), "", actionOf(a.id))
        : postSelect(
            a.placeholder,
            // The chat platforms' Other time… opens a modal; here the typed-time form beside the menu is it.
            a.options.filter((o) => !o.value.endsWith("-other")),
            (v) => postAct(card, actionOf(a.id), v),
            actionOf(a.id),
          ),
    ),
  );
  card.content.replaceChildren(
    el("div", { class: "answer", text: `${shown.title}:` }),
    list,
    ...shown.notes.map((n) =>
      el("div", { class: n.copy ? "answer" : "answer muted", text: plainText(n.text) }, [
        ...(n.copy ? [" ", copyButton(n.copy, "Copy alt text")] : []),
      ]),
    ),
    ...(card.image ? [postImages([card.image])] : []),
    // Where a scheduled post stands; its instant written in this browser's locale and zone.
    ...(shown.status
      ? [
          el("p", {
            class: "post-status",
            text: shown.status.at
              ? shown.status.text.replace(new Date(shown.status.at).toISOString(), localTime(shown.status.at))
              : shown.status.text,
          }),
        ]
      : []),
    ...(card.approved
      ? [
          el("p", {
            class: "post-approved",
            text: `Caption ${card.approved} approved; run /post again for a new one.`,
          }),
        ]
      : []),
    controls,
    ...whenForm(card, shown),
  );
  // Approved: nothing here can change the post any more (the server would refuse it anyway).
  if (card.approved) for (const c of card.content.querySelectorAll(".post-action")) c.disabled = true;
  const again = had && card.content.querySelector(`[data-action="${had}"]:not(:disabled)`);
  if (again) again.focus();
}

/** Which caption an approval was for: the button clicked here, else the caption its message quotes. */
function approvedCaption(card, d) {
  if (card.approving) return card.approving;
  const quoted = (d.text || "").split("\n\n")[1];
  const i = card.shown?.sections.findIndex((s) => s.copy === quoted) ?? -1;
  return i >= 0 ? i + 1 : 1;
}

/** A new post's card. */
function postCard(d) {
  const card = {
    postId: d.requestId,
    root: el("div", { class: "post" }),
    content: el("div"),
    note: el("div", { class: "post-note" }),
    image: d.images?.[0],
  };
  card.root.append(card.content, card.note);
  postCards.set(card.postId, card);
  drawPost(card, d.card);
  return card.root;
}

/** A refinement redraws its card; an approval adds the final message (or the failure and Retry). */
function onPostDelivery(d) {
  const card = postCards.get(d.reply?.post);
  if (!card) return false;
  card.root.classList.remove("busy");
  if (d.command === "refine") {
    if (d.status !== "ok" || !d.card) postNote(card, d.error?.message || "That did not work.", true);
    else {
      if (d.images?.[0]) card.image = d.images[0];
      // A change someone else made first is shown, and why this click's was not.
      postNote(card, d.notice || "");
      drawPost(card, d.card);
    }
    return true;
  }
  postNote(card, "");
  const ok = d.status === "ok";
  const final = el("div", { class: ok ? "final" : "final error", tabindex: "-1" }, [
    el("div", { class: "answer", text: ok ? d.text : d.error?.message || "That did not work." }),
    ...(d.images?.length ? [postImages(d.images)] : []),
  ]);
  // A scheduled post's card offers Retry itself.
  if (!ok && !card.shown?.status?.text)
    final.append(postButton("Retry", () => postAct(card, "retry"), "approve", "retry"));
  // Focus was on the button that asked (now disabled, or gone): it moves to the answer.
  const lost = card.root.contains(document.activeElement) || document.activeElement === document.body;
  card.root.append(final);
  if (ok) {
    card.approved = approvedCaption(card, d);
    drawPost(card, card.shown);
    announce(`Caption ${card.approved} approved. ${d.text}`);
  }
  if (lost) final.focus();
  return true;
}

/** A scheduled post's card, redrawn as it stands now (scheduled, cancelled, published, failed). */
function onPostCard(e) {
  const card = postCards.get(e.postId);
  if (!card) return;
  card.root.classList.remove("busy");
  drawPost(card, e.card);
}
