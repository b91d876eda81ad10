// The playground page. Model output is untrusted: it is only ever set as textContent.
// The session is the server's HttpOnly cookie: the page never sees or sends an id of its own.

const $ = (id) => document.getElementById(id);
const log = $("log");
const turns = new Map();
// Events can beat the POST's response; they wait here until their turn is known.
const early = new Map();
let picked = [];

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

/** Says it once to screen readers, through the page's one polite live region. */
function announce(text) {
  $("announce").textContent = text;
}

/** The photos to send, each listed with a button that takes it out again. */
function showPicked(files) {
  picked = Array.from(files).filter((f) => f.type.startsWith("image/") || f.name);
  const thumbs = $("thumbs");
  thumbs.replaceChildren(
    ...picked.map((f) => {
      const remove = el("button", { type: "button", "aria-label": `Remove ${f.name}`, text: "×" });
      remove.addEventListener("click", () => unpick(f));
      return el("li", {}, [el("img", { src: URL.createObjectURL(f), alt: f.name }), remove]);
    }),
  );
  $("drop-text").textContent = picked.length
    ? `${picked.length} photo${picked.length > 1 ? "s" : ""} ready`
    : "Drop photos here or click to pick";
}

/** Picking, dropping and pasting add to the photos already there. */
function addPicked(files) {
  showPicked([...picked, ...files]);
  announce($("drop-text").textContent);
}

function unpick(file) {
  showPicked(picked.filter((f) => f !== file));
  announce(`${file.name} removed; ${$("drop-text").textContent}`);
  // The removed photo's button is gone: focus goes to the next one, or back to the picker.
  ($("thumbs").querySelector("button") || $("pick")).focus();
}

$("files").addEventListener("change", (e) => {
  addPicked(e.target.files);
  // Picking the same photo again still counts as a change.
  e.target.value = "";
});
// A real button opens the file dialog (Enter or Space); so does a click anywhere on the drop zone.
$("pick").addEventListener("click", () => $("files").click());
$("drop").addEventListener("click", (e) => {
  if (!e.target.closest("button")) $("files").click();
});
// Ctrl+V of an image (a screenshot, a copied photo) anywhere on the page adds it.
document.addEventListener("paste", (e) => {
  const images = Array.from(e.clipboardData?.files || []).filter((f) => f.type.startsWith("image/"));
  if (!images.length) return;
  e.preventDefault();
  addPicked(images);
});
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  addPicked(e.dataTransfer.files);
});

function stageText(stage, detail) {
  if (stage === "running") return `Running ${detail || "a skill"}…`;
  if (stage === "loading model") return `Loading the model…${detail ? ` (${detail})` : ""}`;
  if (stage === "thinking") return "Thinking…";
  if (stage === "uploading") return "Preparing images…";
  return stage;
}

/** A Copy button; `name` says what it copies, for screen readers ("Copy caption 2"). */
function copyButton(text, name) {
  const b = el("button", {
    type: "button",
    class: "copy",
    text: "Copy",
    ...(name ? { "aria-label": name } : {}),
  });
  b.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(text).catch(() => {});
    b.textContent = "Copied";
    announce("Copied");
    setTimeout(() => (b.textContent = "Copy"), 1200);
  });
  return b;
}

function render(turn, d) {
  turn.status.textContent = "";
  if (d.status === "error") {
    turn.body.append(el("div", { class: "answer error", text: d.error?.message || "Something went wrong." }));
    return;
  }
  if (d.post) {
    // The card draws its image too, and redraws in place when a button refines it (post-card.js).
    turn.body.append(postCard(d));
    announce(`${d.card?.title || "Post"}: ready`);
    return;
  }
  // Which images were left out of a long conversation, as the server noted it.
  const text = [d.reply?.note, d.text].filter(Boolean).join("\n\n");
  if (text) {
    turn.body.append(el("div", { class: "answer", text }));
    // Read out once, whole (the streaming text above it was not in a live region).
    announce(text);
  }
  if (d.images?.length) {
    const box = el("div", { class: "images" });
    for (const img of d.images) {
      const src = `/blobs/${img.key}`;
      box.append(
        el("figure", {}, [
          el("a", { href: src, download: img.filename }, [el("img", { src, alt: img.altText })]),
          el("figcaption", { text: `${img.filename} · ${img.width}×${img.height} · click to download` }),
        ]),
      );
    }
    turn.body.append(box);
  }
}

// Errors, wherever they are drawn (a refused request, a failed click or approval), are read out as
// they appear; the error paths need not each remember to.
new MutationObserver((changes) => {
  for (const c of changes)
    for (const n of [c.target, ...c.addedNodes])
      if (n.nodeType === Node.ELEMENT_NODE && n.matches(".error") && n.textContent)
        announce((n.querySelector(".answer") || n).textContent);
}).observe(log, { childList: true, subtree: true });

const events = new EventSource("/api/events");
function apply(e) {
  // A post's refinements and approvals belong to its card, not to a turn of their own.
  if (e.type === "delivery" && onPostDelivery(e.delivery)) return;
  // Where a scheduled post stands, redrawn on its card.
  if (e.type === "card") return void onPostCard(e);
  if (/^web:post:/.test(e.requestId || e.delivery?.requestId || "")) return;
  const id = e.requestId || e.delivery?.requestId;
  const turn = turns.get(id);
  if (!turn) {
    early.set(id, [...(early.get(id) || []), e]);
    return;
  }
  if (turn.done) return;
  if (e.type === "queued") {
    turn.status.textContent = e.position > 1 ? `You're #${e.position} in line` : "Starting…";
    if (e.position > 1) announce(turn.status.textContent);
  }
  if (e.type === "progress" && e.stage === "writing" && typeof e.text === "string") {
    // The answer so far, as the model writes it (shown as text, never as markup).
    turn.status.textContent = "";
    turn.live.textContent = e.text;
  } else if (e.type === "progress") turn.status.textContent = stageText(e.stage, e.detail);
  if (e.type === "delivery") {
    turn.done = true;
    turn.live.textContent = "";
    // Focus on Stop (or lost when it was disabled) goes back to the message box, not to nowhere.
    const lost = document.activeElement === turn.stop || document.activeElement === document.body;
    turn.stop.remove();
    render(turn, e.delivery);
    if (lost) $("message").focus({ preventScroll: true });
  }
}
events.onmessage = (m) => {
  const e = JSON.parse(m.data);
  if (e.type !== "closing") return apply(e);
  // The server is stopping: reconnecting would only spin until it is back, so say so instead.
  events.close();
  $("error").textContent = "llava-bot stopped; reload when it is back";
};

$("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("error").textContent = "";
  const message = $("message").value.trim() || "/describe";
  // /scheduled is the page's own view (scheduled.js), not a request to the bot.
  if (/^\/scheduled$/i.test(message)) {
    $("message").value = "";
    openScheduled();
    return;
  }
  const form = new FormData();
  form.set("message", message);
  for (const f of picked) form.append("files", f, f.name);
  const turn = {
    status: el("div", { class: "status", text: "Sending…" }),
    live: el("div", { class: "answer live" }),
    stop: el("button", { type: "button", class: "stop", text: "Stop" }),
    body: el("div"),
    done: false,
  };
  const you = el("div", { class: "you" }, [
    ...picked.map((f) => el("img", { src: URL.createObjectURL(f), alt: "" })),
    el("span", { text: message }),
  ]);
  const card = el("section", { class: "turn" }, [you, turn.status, turn.live, turn.stop, turn.body]);
  turn.stop.setAttribute("aria-label", `Stop: ${message}`);
  turn.stop.addEventListener("click", () => announce("Stopping…"));
  log.append(card);
  $("send").disabled = true;
  try {
    const res = await fetch("/api/requests", { method: "POST", body: form });
    const json = await res.json();
    if (!res.ok) {
      turn.stop.remove();
      turn.status.textContent = "";
      turn.body.append(el("div", { class: "answer error", text: json.error || "That did not work." }));
      return;
    }
    turns.set(json.requestId, turn);
    turn.stop.addEventListener("click", async () => {
      turn.stop.disabled = true;
      const r = await fetch(`/api/requests/${encodeURIComponent(json.requestId)}/stop`, {
        method: "POST",
      }).catch(() => undefined);
      if (!r?.ok) turn.stop.disabled = false;
    });
    turn.status.textContent = json.position > 1 ? `You're #${json.position} in line` : "Starting…";
    if (json.position > 1) announce(turn.status.textContent);
    for (const ev of early.get(json.requestId) || []) apply(ev);
    early.delete(json.requestId);
    $("message").value = "";
    // The photos are in the conversation now (stored once); a follow-up needs none.
    $("files").value = "";
    showPicked([]);
  } catch {
    turn.stop.remove();
    turn.status.textContent = "";
    turn.body.append(
      el("div", { class: "answer error", text: "Cannot reach the bot. Is llava-bot still running?" }),
    );
  } finally {
    $("send").disabled = false;
    // Ready for the next message (Send, when it was pressed, was disabled meanwhile and lost focus).
    $("message").focus({ preventScroll: true });
    card.scrollIntoView({ block: "end" });
  }
});

// A new conversation: earlier turns and photos are forgotten, here and on the server.
$("new").addEventListener("click", async () => {
  $("error").textContent = "";
  const res = await fetch("/api/conversation/reset", { method: "POST" }).catch(() => undefined);
  if (!res?.ok) {
    $("error").textContent = "Cannot reach the bot. Is llava-bot still running?";
    return;
  }
  $("files").value = "";
  showPicked([]);
  log.replaceChildren();
});
