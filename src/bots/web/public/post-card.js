// A post as the playground shows it: the captions (each with Approve), the alt text, the prepared
// image and buttons to refine it. A click goes to /api/posts/:id/actions and becomes a job on the
// queue; its answer arrives over the event stream and redraws the same card. Model output is
// only ever set as textContent. Uses el, copyButton and session from app.js.
const postCards = new Map();
const postOptions = fetch("/api/post-options")
  .then((r) => (r.ok ? r.json() : null))
  .catch(() => null);

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

async function drawPost(card, post) {
  const n = post.variants.length;
  const list = el("ol", { class: "variants" });
  for (const [i, v] of post.variants.entries()) {
    list.append(
      el("li", {}, [
        el("p", { text: v.text }, [el("small", { text: `${v.chars} / ${post.limit}` })]),
        copyButton(v.text),
        postButton("Approve", () => postAct(card, `approve-${i + 1}`), "approve"),
      ]),
    );
  }
  const opts = (await postOptions) || { tones: [], platforms: [], languages: [] };
  const controls = el("div", { class: "post-controls" }, [
    postButton("Regenerate", () => postAct(card, "regenerate")),
    postButton("Shorter", () => postAct(card, "shorter")),
    postSelect(
      `Tone: ${post.tone || "casual"}`,
      opts.tones.map((t) => ({ value: t, label: t })),
      (v) => postAct(card, "tone", v),
    ),
    postSelect(`Platform: ${post.platform}`, opts.platforms, (v) => postAct(card, "platform", v)),
    postSelect("Translate…", opts.languages, (v) => postAct(card, "translate", v)),
  ]);
  card.content.replaceChildren(
    el("div", {
      class: "answer",
      text: `${n} caption${n === 1 ? "" : "s"} for ${post.platform} (limit ${post.limit}):`,
    }),
    list,
    ...(post.shortfall ? [el("div", { class: "answer muted", text: post.shortfall })] : []),
    el("div", { class: "answer" }, [
      el("strong", { text: "Alt text: " }),
      document.createTextNode(post.altText),
      " ",
      copyButton(post.altText),
    ]),
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
  void drawPost(card, d.post);
  return card.root;
}

/** A refinement redraws its card; an approval adds the final message (or the failure and Retry). */
function onPostDelivery(d) {
  const card = postCards.get(d.reply?.post);
  if (!card) return false;
  card.root.classList.remove("busy");
  if (d.command === "refine") {
    if (d.status !== "ok" || !d.post) postNote(card, d.error?.message || "That did not work.", true);
    else {
      if (d.images?.[0]) card.image = d.images[0];
      postNote(card, "");
      void drawPost(card, d.post);
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
