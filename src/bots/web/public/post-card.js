// A post as the playground shows it: the card the server describes once for every platform
// (src/bots/post-card.ts: a title, a section per caption with Approve, notes, the refinements),
// drawn here with copy buttons and the prepared image. A click goes to /api/posts/:id/actions and
// becomes a job on the queue; its answer arrives over the event stream and redraws the same card.
// Model output is only ever set as textContent. Uses el, copyButton and session from app.js.
const postCards = new Map();

/** The action a card component stands for: its id is post:<postId>:<action>. */
const actionOf = (id) => id.slice(id.lastIndexOf(":") + 1);
/** The card's light Markdown as plain words (emphasis marks dropped). */
const plainText = (text) => text.replace(/\*([^*\n]+)\*/g, "$1");

function postButton(label, onClick, cls = "") {
  const b = el("button", { type: "button", class: `post-action ${cls}`.trim(), text: label });
  b.addEventListener("click", onClick);
  return b;
}

function postSelect(label, items, onPick) {
  const s = el("select", { class: "post-action", "aria-label": label });
  s.append(el("option", { value: "", text: label }));
  for (const it of items) s.append(el("option", { value: it.value, text: it.label }));
  s.addEventListener("change", () => s.value && onPick(s.value));
  return s;
}

function postNote(card, text, error = false) {
  card.note.className = error ? "post-note error" : "post-note";
  card.note.textContent = text;
}

async function postAct(card, action, value) {
  postNote(card, "Working on it…");
  card.root.classList.add("busy");
  const res = await fetch(`/api/posts/${encodeURIComponent(card.postId)}/actions`, {
    method: "POST",
    headers: { "x-session": session, "content-type": "application/json" },
    body: JSON.stringify(value === undefined ? { action } : { action, value }),
  }).catch(() => undefined);
  if (res?.ok) return;
  const json = res ? await res.json().catch(() => ({})) : {};
  card.root.classList.remove("busy");
  postNote(card, json.error || "Cannot reach the bot. Is llava-bot still running?", true);
}

function postImage(img) {
  const src = `/blobs/${img.key}`;
  return el("figure", {}, [
    el("a", { href: src, download: img.filename }, [el("img", { src, alt: img.altText })]),
    el("figcaption", { text: `${img.filename} · ${img.width}×${img.height} · click to download` }),
  ]);
}

function drawPost(card, shown) {
  const list = el("ol", { class: "variants" });
  for (const section of shown.sections) {
    const b = section.button;
    list.append(
      el("li", {}, [
        el("p", { text: section.copy ?? plainText(section.text) }, [
          ...(section.footer ? [el("small", { text: section.footer })] : []),
        ]),
        ...(section.copy ? [copyButton(section.copy)] : []),
        ...(b ? [postButton(b.label, () => postAct(card, actionOf(b.id)), b.primary ? "approve" : "")] : []),
      ]),
    );
  }
  const controls = el(
    "div",
    { class: "post-controls" },
    shown.actions.map((a) =>
      a.type === "button"
        ? postButton(a.label, () => postAct(card, actionOf(a.id)))
        : postSelect(a.placeholder, a.options, (v) => postAct(card, actionOf(a.id), v)),
    ),
  );
  card.content.replaceChildren(
    el("div", { class: "answer", text: `${shown.title}:` }),
    list,
    ...shown.notes.map((n) =>
      el("div", { class: n.copy ? "answer" : "answer muted", text: plainText(n.text) }, [
        ...(n.copy ? [" ", copyButton(n.copy)] : []),
      ]),
    ),
    ...(card.image ? [el("div", { class: "images" }, [postImage(card.image)])] : []),
    controls,
  );
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
  const final = el("div", { class: ok ? "final" : "final error" }, [
    el("div", { class: "answer", text: ok ? d.text : d.error?.message || "That did not work." }),
    ...(d.images || []).map(postImage),
  ]);
  if (!ok) final.append(postButton("Retry", () => postAct(card, "retry"), "approve"));
  card.root.append(final);
  return true;
}
