// The bell: unread count and new notifications, live on every page over the page's one
// Server-Sent Events stream (stream.js), beside the page's own live data.
(function () {
  var bell = document.getElementById("bell");
  var S = window.PaperDeskStream;
  if (!bell || !S || !window.EventSource) return;
  var count = document.getElementById("bell-count");
  var toasts = document.getElementById("bell-toasts");

  function show(n) {
    count.textContent = n > 0 ? String(n) : "";
    count.classList.toggle("d-none", n <= 0);
    bell.setAttribute("aria-label", n + " unread notifications");
  }

  function toast(message) {
    var item = document.createElement("div");
    item.className = "alert alert-info shadow-sm py-2 mb-2 bell-toast";
    item.setAttribute("role", "status");
    item.textContent = message;
    toasts.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  S.on("unread", function (e) { show(JSON.parse(e.data).count); });
  S.on("notification", function (e) { toast(JSON.parse(e.data).message); });
  // Pages that show orders can listen for this and refresh.
  S.on("fill", function (e) {
    document.dispatchEvent(new CustomEvent("paperdesk:fill", { detail: JSON.parse(e.data) }));
  });
  S.want({ notify: true });
})();
