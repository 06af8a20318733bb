// The admin dashboard's live activity: windows from the JSON API, then each new window
// as it closes over Server-Sent Events, drawn with Chart.js.
(function () {
  var box = document.getElementById("activity");
  if (!box || !window.Chart) return;
  var F = window.PaperDeskFormat;
  var MAX_POINTS = 120, VALUE_SPAN = 300;
  var seen = {};
  var clockOffset = 0;  // the server's clock minus the browser's, in seconds

  // Window times in the zone the page's other times use (the admin's, not the browser's).
  function label(start) { return F.clock(start * 1000); }
  function serverNow() { return Date.now() / 1000 + clockOffset; }

  var flow = new Chart(document.getElementById("activity-flow"), {
    type: "line",
    data: { labels: [], datasets: [
      { label: "orders", data: [], borderColor: "#0d6efd", tension: 0.2 },
      { label: "fills", data: [], borderColor: "#198754", tension: 0.2 },
      { label: "rejects", data: [], borderColor: "#dc3545", tension: 0.2 },
    ] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  });
  var value = new Chart(document.getElementById("activity-value"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "traded value ($, last 5 min)", data: [], backgroundColor: "#6f42c1" }] },
    options: { animation: false, maintainAspectRatio: false, indexAxis: "y" },
  });
  var recent = [];

  function add(w) {
    if (seen[w.start]) return;
    seen[w.start] = true;
    flow.data.labels.push(label(w.start));
    flow.data.datasets[0].data.push(w.orders);
    flow.data.datasets[1].data.push(w.fills);
    flow.data.datasets[2].data.push(w.rejects);
    if (flow.data.labels.length > MAX_POINTS) {
      flow.data.labels.shift();
      flow.data.datasets.forEach(function (d) { d.data.shift(); });
    }
    recent.push(w);
    document.getElementById("activity-orders").textContent = String(w.orders);
    document.getElementById("activity-tickers").textContent =
      w.top_tickers.map(function (t) { return t[0] + " " + t[1]; }).join(", ") || "–";
    document.getElementById("activity-users").textContent =
      w.top_users.map(function (u) {
        var names = w.user_names || {};
        return (names[u[0]] || "#" + u[0]) + " " + u[1];
      }).join(", ") || "–";
    document.getElementById("activity-status").textContent =
      "window " + F.clock(w.start * 1000, true) + " · " + w.seconds + " s" + (w.late ? " · " + w.late + " late" : "");
    box.dataset.windows = String(flow.data.labels.length);
    box.dataset.orders = String(Number(box.dataset.orders || 0) + w.orders);
  }

  // "Last 5 min" is counted back from now: windows stop arriving when nothing trades, so
  // the newest window is no measure of how old the others are.
  function redrawValue() {
    var cutoff = serverNow() - VALUE_SPAN;
    recent = recent.filter(function (w) { return w.start + w.seconds > cutoff; });
    var totals = {};
    recent.forEach(function (w) {
      Object.keys(w.traded_value).forEach(function (t) { totals[t] = (totals[t] || 0) + w.traded_value[t]; });
    });
    var top = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a]; }).slice(0, 8);
    value.data.labels = top;
    value.data.datasets[0].data = top.map(function (t) { return Math.round(totals[t]); });
    value.update();
    flow.update();
  }

  function addAll(windows) { windows.forEach(add); redrawValue(); }

  var source = new EventSource(box.dataset.stream);
  source.addEventListener("windows", function (e) {
    var body = JSON.parse(e.data);
    if (typeof body.now === "number") clockOffset = body.now - Date.now() / 1000;
    addAll(body.windows);
  });
  source.addEventListener("window", function (e) { addAll([JSON.parse(e.data)]); });
  setInterval(redrawValue, 5000);
})();
