// hearingbot's local page: renders the Block Kit the bot posted, as Slack
// would, and sends what is typed or clicked to the bot's Slack edge.
"use strict";

const list = document.getElementById("messages");
const form = document.getElementById("say");
const input = document.getElementById("text");
const replying = document.getElementById("replying");
const header = document.querySelector("main header");
let view = "channel"; // what the page shows: "channel", "dm" (the person's messages with the bot) or "home" (its Home tab)
let thread = "";   // the thread the next message goes to, or ""
let last = "";     // the Home tab last rendered, as JSON
let shown = [];    // the view's messages, by order
let cursor = 0;    // the server's last change that shown has
let shows = 0;     // how many times a view was opened: what comes for an earlier one is not drawn

// views are each view's header and message box prompt (the Home tab has no box).
const views = {
  channel: { title: "# hearing <span>· mention is implied: type a question, or <code>/hearing …</code></span>", prompt: "Message #hearing (a question, or /hearing panels)" },
  dm: { title: "hearingbot <span>· Messages: write to the bot, no mention needed</span>", prompt: "Message hearingbot" },
  home: { title: "hearingbot <span>· Home</span>" },
};

// mrkdwn renders Slack's mrkdwn as HTML. The bot escapes &, < and > in
// text it did not write, as Slack requires, so the text is already safe
// HTML but for Slack's <...> links and mentions, handled first.
function mrkdwn(text) {
  const esc = (s) => s.replace(/&(?!(amp|lt|gt);)/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  let html = "";
  const re = /<([^<>|]*)(?:\|([^<>]*))?>/g;
  let at = 0, m;
  while ((m = re.exec(text)) !== null) {
    html += esc(text.slice(at, m.index));
    const target = m[1], label = m[2];
    if (target.startsWith("@")) html += `<span class="mention">@${esc(label || target.slice(1))}</span>`;
    else if (target.startsWith("!")) html += `<span class="mention">@${esc(target.slice(1))}</span>`;
    else if (/^https?:\/\//.test(target)) html += `<a href="${esc(target)}" rel="noopener">${esc(label || target)}</a>`;
    else html += esc(m[0]);
    at = re.lastIndex;
  }
  html += esc(text.slice(at));
  const lines = html.split("\n").map((line) => {
    let quote = false;
    if (line.startsWith("&gt; ")) { quote = true; line = line.slice(5); }
    line = line
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/(^|[\s(“"])\*([^*\n]+)\*(?=$|[\s.,;:!?)”"'])/g, "$1<b>$2</b>")
      .replace(/(^|[\s(“"])_([^_\n]+)_(?=$|[\s.,;:!?)”"'])/g, "$1<i>$2</i>");
    return quote ? `<blockquote>${line}</blockquote>` : line;
  });
  return lines.join("<br>").replace(/<\/blockquote><br><blockquote>/g, "<br>");
}

function text(obj) {
  if (!obj) return "";
  return obj.type === "plain_text" ? obj.text.replace(/&/g, "&amp;").replace(/</g, "&lt;") : mrkdwn(obj.text);
}

function button(el, message) {
  const b = document.createElement("button");
  b.innerHTML = text(el.text);
  b.dataset.action = el.action_id;
  b.addEventListener("click", async () => {
    const from = view;
    await send("/api/click", { action: el.action_id, value: el.value || "", message: message.id, view: from });
    // The bot answers the Home tab's questions in the person's messages
    // with it: go there, as Slack's notification would.
    if (from === "home") show("dm");
  });
  return b;
}

function block(b, message) {
  const div = document.createElement("div");
  div.className = "block " + b.type;
  switch (b.type) {
    case "section": {
      const t = document.createElement("div");
      t.innerHTML = text(b.text);
      div.appendChild(t);
      if (b.accessory && b.accessory.type === "button") div.appendChild(button(b.accessory, message));
      break;
    }
    case "context":
      div.innerHTML = (b.elements || []).map((e) => e.type === "image" ? "" : text(e)).join(" ");
      break;
    case "header":
      div.innerHTML = text(b.text);
      break;
    case "divider":
      return Object.assign(document.createElement("hr"), { className: "divider" });
    case "actions":
      for (const el of b.elements || []) if (el.type === "button") div.appendChild(button(el, message));
      break;
    default:
      div.textContent = `[${b.type}]`;
  }
  return div;
}

// merge applies a response of /api/messages to shown: messages new or
// changed since the cursor, deleted ones, and the oldest the server still
// holds (it drops older ones). It says whether anything changed.
function merge(batch) {
  let changed = false;
  for (const m of batch.messages) {
    const i = shown.findIndex((s) => s.id === m.id);
    if (m.deleted) {
      if (i >= 0) { shown.splice(i, 1); changed = true; }
      continue;
    }
    if (i >= 0) shown[i] = m; else shown.push(m);
    changed = true;
  }
  const kept = shown.filter((m) => m.order >= batch.oldest);
  if (kept.length !== shown.length) { shown = kept; changed = true; }
  shown.sort((a, b) => a.order - b.order);
  cursor = batch.cursor;
  return changed;
}

function render(messages) {
  const byThread = new Map();
  for (const m of messages) if (m.thread) (byThread.get(m.thread) || byThread.set(m.thread, []).get(m.thread)).push(m);
  list.replaceChildren();
  for (const m of messages) {
    if (m.thread) continue;
    list.appendChild(row(m, false));
    for (const r of byThread.get(m.id) || []) list.appendChild(row(r, true));
  }
  // Replies to a thread whose first message is not shown (the bot's answer
  // to a mention is in the mention's thread).
  for (const [ts, replies] of byThread) if (!messages.some((m) => m.id === ts && !m.thread)) for (const r of replies) list.appendChild(row(r, true));
  list.scrollTop = list.scrollHeight;
}

// renderHome draws the Home tab's view as the bot published it (nothing
// before it has).
function renderHome(blocks) {
  const div = document.createElement("div");
  div.className = "home";
  for (const b of blocks || []) div.appendChild(block(b, { id: "" }));
  list.replaceChildren(div);
}

// show switches the page to a view.
function show(v) {
  view = v;
  shows++;
  last = "";
  shown = [];
  cursor = 0;
  thread = "";
  replying.hidden = true;
  list.replaceChildren();
  for (const b of document.querySelectorAll("aside [data-view]")) b.classList.toggle("on", b.dataset.view === v);
  header.innerHTML = views[v].title;
  form.hidden = v === "home";
  input.placeholder = views[v].prompt || "";
  // Slack tells the bot each time the person opens its Home tab.
  if (v === "home") send("/api/home", {});
  else poll();
}

function row(m, inThread) {
  const div = document.createElement("div");
  div.className = "msg" + (m.ephemeral ? " ephemeral" : "") + (inThread ? " thread" : "");
  div.dataset.id = m.id;
  const who = m.bot ? `hearingbot<span class="app">APP</span>${m.ephemeral ? '<span class="only">Only visible to you</span>' : ""}` : "you";
  div.innerHTML = `<div class="avatar ${m.bot ? "bot" : ""}">${m.bot ? "H" : "Y"}</div><div class="body"><div class="who">${who}</div></div>`;
  const body = div.querySelector(".body");
  if (m.blocks && m.blocks.length) for (const b of m.blocks) body.appendChild(block(b, m));
  else { const t = document.createElement("div"); t.innerHTML = m.bot ? mrkdwn(m.text) : mrkdwn(m.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")); body.appendChild(t); }
  if (!m.ephemeral) {
    const r = document.createElement("button");
    r.className = "reply";
    r.textContent = "Reply in thread";
    r.addEventListener("click", () => { thread = m.thread || m.id; replying.hidden = false; input.focus(); });
    body.appendChild(r);
  }
  return div;
}

async function send(path, body) {
  await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  poll();
}

// poll brings the view up to date: the Home tab as published, or the
// messages changed since the cursor, batch after batch while more wait.
// One poll runs at a time; a poll asked for meanwhile runs after it.
let polling = false, again = false;
async function poll() {
  if (polling) { again = true; return; }
  polling = true;
  try {
    do { again = false; await update(); } while (again);
  } finally { polling = false; }
}

async function update() {
  const showing = view, opened = shows;
  try {
    if (showing === "home") {
      const json = await (await fetch("/api/home", { cache: "no-store" })).text();
      // What comes for a view the person has left is not drawn.
      if (opened !== shows || json === last) return;
      last = json;
      renderHome(JSON.parse(json));
      return;
    }
    let changed = false, more = true;
    while (more) {
      const res = await fetch(`/api/messages?view=${showing}&after=${cursor}`, { cache: "no-store" });
      if (!res.ok) return;
      const batch = await res.json();
      if (opened !== shows) return;
      if (batch.cursor < cursor) {
        // A server started afresh: its changes are numbered anew.
        shown = []; cursor = 0; changed = true;
        continue;
      }
      changed = merge(batch) || changed;
      more = batch.more;
    }
    if (changed) render(shown);
  } catch (e) { /* the server restarts: try again */ }
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const t = input.value.trim();
  if (!t) return;
  input.value = "";
  send("/api/say", { text: t, thread, view });
});
for (const b of document.querySelectorAll("aside [data-view]")) b.addEventListener("click", () => show(b.dataset.view));
document.getElementById("cancel").addEventListener("click", () => { thread = ""; replying.hidden = true; });

setInterval(poll, 400);
show("channel");
const q = new URLSearchParams(location.search).get("q");
if (q) {
  // Asked once: a reload shows the channel without asking again.
  history.replaceState(null, "", location.pathname);
  send("/api/say", { text: q, thread: "", view: "channel" });
}
