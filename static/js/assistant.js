// The assistant page: conversations, streamed answers over Server-Sent Events, Stop, Clear,
// suggested questions and proposed-order cards. Streamed text is shown as plain text; the
// finished answer is the HTML the server made safe (markdown-it + nh3).
(function () {
  var root = document.getElementById("assistant");
  if (!root) return;
  function $(id) { return document.getElementById(id); }
  var log = $("chat-log"), input = $("chat-input"), error = $("chat-error");
  var state = { conversation: null, source: null, bubble: null };
  var EXPLAIN_KEY = "paperdesk-explain";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); });
  }

  function bubble(role, text) {
    var div = document.createElement("div");
    div.className = "chat-msg chat-" + role;
    div.textContent = text || "";
    $("chat-suggestions").classList.add("d-none");
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function meta(box, text) {
    var small = document.createElement("div");
    small.className = "chat-meta mt-1";
    small.textContent = text;
    box.appendChild(small);
    return small;
  }

  function proposalCard(box, p) {
    if (!p || typeof p.ticket_url !== "string" || p.ticket_url.indexOf("/user/stock_chart?") !== 0) return;
    var card = document.createElement("div");
    card.className = "card mt-2 chat-proposal";
    var body = document.createElement("div");
    body.className = "card-body py-2 d-flex flex-wrap align-items-center gap-2";
    var what = document.createElement("span");
    what.className = "fw-semibold";
    what.textContent = "Proposed: " + p.side + " " + p.quantity + " " + p.ticker + " (" + p.order_type +
      (p.limit_price ? " at $" + p.limit_price : "") + ")";
    var link = document.createElement("a");
    link.className = "btn btn-sm btn-primary ms-auto proposal-open";
    link.href = p.ticket_url;
    link.textContent = "Open the order ticket";
    body.appendChild(what);
    body.appendChild(link);
    card.appendChild(body);
    box.appendChild(card);
  }

  function showAnswer(box, m) {
    box.classList.remove("streaming");
    box.innerHTML = m.html || "";  // sanitised on the server
    proposalCard(box, m.proposal);
    var info = [m.client === "gemini" ? "Gemini" + (m.model ? " · " + m.model : "") : "Offline assistant"];
    if (m.tools && m.tools.length) info.push("looked up " + m.tools.join(", "));
    if (m.stopped) info.push("stopped");
    meta(box, info.join(" · "));
    if (m.notice) meta(box, m.notice).classList.add("text-warning-emphasis");
  }

  function busy(on) {
    $("chat-send").disabled = on;
    $("chat-stop").classList.toggle("d-none", !on);
  }

  function finish() {
    if (state.source) state.source.close();
    state.source = null;
    busy(false);
    loadList();
  }

  function stream(url) {
    var box = bubble("assistant", "");
    box.classList.add("streaming");
    var status = meta(box, "Thinking…");
    var text = document.createTextNode("");
    box.insertBefore(text, status);
    state.bubble = box;
    var source = new EventSource(url);
    state.source = source;
    source.addEventListener("tool", function (e) { status.textContent = "Looking up " + JSON.parse(e.data).name + "…"; });
    source.addEventListener("delta", function (e) {
      text.data += JSON.parse(e.data).text;
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("reset", function () { text.data = ""; });
    source.addEventListener("busy", function () { status.textContent = "The server is busy; trying again shortly…"; });
    source.addEventListener("done", function (e) {
      var m = JSON.parse(e.data);
      state.conversation = m.conversation_id;
      showAnswer(box, m);
      finish();
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED || state.source !== source) return;
      if (status.textContent.indexOf("busy") >= 0) return;  // it reconnects after retry:
      status.textContent = "The connection was lost.";
      finish();
    };
  }

  function send(message, context) {
    error.textContent = "";
    message = (message || "").trim();
    if (!message || state.source) return;
    var asked = bubble("user", message);
    busy(true);
    var body = { message: message, stream: true };
    if (state.conversation) body.conversation_id = state.conversation;
    if (context) body.context = context;
    PaperDesk.postJSON("/user/api/chat", body).then(function (data) {
      if (!data.success) {
        notSent(asked, message, data.error || "The question could not be sent.");
        return;
      }
      state.conversation = data.conversation_id;
      stream(data.stream_url);
    }, function () { notSent(asked, message, "The server could not be reached."); });
  }

  // A question the server did not take (rate limit, bad input, no connection) leaves the
  // log and goes back into the input, so that it can be sent again without retyping it.
  function notSent(asked, message, reason) {
    error.textContent = reason;
    asked.remove();
    if (!log.querySelector(".chat-msg")) $("chat-suggestions").classList.remove("d-none");
    if (!input.value.trim()) input.value = message;
    busy(false);
    input.focus();
  }

  function renderList(items) {
    var list = $("chat-list");
    list.innerHTML = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "list-group-item small text-body-secondary";
      empty.textContent = "No conversations yet.";
      list.appendChild(empty);
    }
    items.forEach(function (c) {
      var item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action small text-truncate" +
        (c.conversation_id === state.conversation ? " active" : "");
      item.dataset.id = c.conversation_id;
      item.textContent = c.title;
      item.addEventListener("click", function () { open(c.conversation_id); });
      list.appendChild(item);
    });
  }

  function loadList() {
    getJSON("/user/api/chat/conversations").then(function (data) { if (data.success) renderList(data.conversations); });
  }

  function reset() {
    if (state.source) stop();
    state.conversation = null;
    Array.prototype.slice.call(log.querySelectorAll(".chat-msg")).forEach(function (el) { el.remove(); });
    $("chat-suggestions").classList.remove("d-none");
  }

  function open(id) {
    getJSON("/user/api/chat/conversations/" + id).then(function (data) {
      if (!data.success) return;
      reset();
      state.conversation = data.conversation_id;
      data.messages.forEach(function (m) {
        if (m.role === "user") bubble("user", m.text);
        else showAnswer(bubble("assistant", ""), m);
      });
      loadList();
    });
  }

  function stop() {
    if (!state.source) return;
    state.source.close();
    state.source = null;
    if (state.bubble) meta(state.bubble, "Stopped.");
    busy(false);
  }

  $("chat-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("chat-form").requestSubmit(); }
  });
  $("chat-stop").addEventListener("click", stop);
  $("chat-new").addEventListener("click", function () { reset(); loadList(); });
  $("chat-clear").addEventListener("click", function () {
    if (!state.conversation) { reset(); return; }
    PaperDesk.postJSON("/user/api/chat/conversations/" + state.conversation + "/delete", {}).then(function () {
      reset();
      loadList();
    });
  });
  log.querySelectorAll(".chat-suggestion").forEach(function (b) {
    b.addEventListener("click", function () { send(b.textContent); });
  });

  loadList();
  var explain = sessionStorage.getItem(EXPLAIN_KEY);
  if (explain) {
    sessionStorage.removeItem(EXPLAIN_KEY);
    try {
      var ask = JSON.parse(explain);
      send(ask.question, { page: ask.page, figures: ask.figures });
    } catch (ignored) { /* a stale or broken entry is dropped */ }
  }
})();
