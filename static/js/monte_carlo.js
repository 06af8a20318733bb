// The Monte Carlo page: a fan chart of percentile bands after the history, and the
// histogram of terminal values.
(function () {
  var A = window.PaperDeskAnalysis;
  var form = document.getElementById("mc-form");
  var fan = A.lineChart(document.getElementById("fan-chart"), {
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
      plugins: { legend: { labels: { filter: function (item) { return !/^p(5|25)$/.test(item.text); } } } },
      scales: { x: { ticks: { maxTicksLimit: 8 } } },
    },
  });
  var terminal = A.track(new Chart(document.getElementById("terminal-chart"), {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  }));
  var last = null;

  function stat(label, value) {
    return "<div class='col'><div class='card h-100'><div class='card-body py-2'><div class='small text-body-secondary'>" + label +
      "</div><div class='fw-semibold tabular-nums'>" + value + "</div></div></div></div>";
  }

  function render(body) {
    last = body;
    var s = body.statistics;
    document.getElementById("mc-stats").innerHTML = [
      stat("Start", A.money(s.start)), stat("Mean at the end", A.money(s.mean)), stat("Median", A.money(s.median)),
      stat("5th-95th percentile", A.money(s.percentiles["5"]) + " – " + A.money(s.percentiles["95"])),
      stat("P(end below start)", A.pct(s.prob_below_start)), stat("VaR 95 % (loss)", A.money(s.var_95)),
      stat("CVaR 95 % (loss)", A.money(s.cvar_95)),
    ].join("");
    var hist = body.history, preds = body.predictions, n = hist.dates.length;
    fan.data.labels = hist.dates.concat(preds.map(function (p) { return p.date; }));
    function band(key) {
      var pad = new Array(n - 1).fill(null).concat([hist.values[n - 1]]);
      return pad.concat(preds.map(function (p) { return p[key]; }));
    }
    var history = hist.values.concat(new Array(preds.length).fill(null));
    fan.data.datasets = [
      { label: body.portfolio ? "Portfolio value" : body.ticker, data: history, borderColor: "#6c757d" },
      { label: "p5", data: band("p5"), borderColor: "rgba(13,110,253,.3)", borderWidth: 1 },
      { label: "5-95 %", data: band("p95"), borderColor: "rgba(13,110,253,.3)", borderWidth: 1, backgroundColor: "rgba(13,110,253,.15)", fill: 1 },
      { label: "p25", data: band("p25"), borderColor: "rgba(13,110,253,.5)", borderWidth: 1 },
      { label: "25-75 %", data: band("p75"), borderColor: "rgba(13,110,253,.5)", borderWidth: 1, backgroundColor: "rgba(13,110,253,.3)", fill: 3 },
      { label: "Median", data: band("p50"), borderColor: "#0d6efd", borderWidth: 2 },
    ];
    fan.update();
    var edges = s.histogram.edges;
    terminal.data.labels = edges.slice(0, -1).map(function (e, i) { return A.money((e + edges[i + 1]) / 2); });
    terminal.data.datasets = [{ label: "Paths", data: s.histogram.counts, backgroundColor: "rgba(13,110,253,.6)" }];
    terminal.update();
    var p = body.params;
    document.getElementById("mc-note").textContent = p.simulations.toLocaleString() + " paths over " + p.days +
      " trading days, fitted to the last " + p.lookback + " days" + (p.seed === null ? " (random seed)" : ", seed " + p.seed) +
      ". The drift is the mean daily log return; VaR and CVaR are losses from the start value.";
    document.getElementById("mc-results").classList.remove("d-none");
  }

  function run() {
    var target = form.target.value;
    var q = new URLSearchParams({ days: form.days.value, simulations: form.simulations.value, lookback: form.lookback.value });
    if (form.seed.value !== "") q.set("seed", form.seed.value);
    var url = "/user/api/monte-carlo/" + encodeURIComponent(target) + "?" + q.toString();
    A.job(document.getElementById("mc-job"), url, { results: "mc-results" }).then(render, function () {});
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  document.getElementById("mc-csv").addEventListener("click", function () {
    if (!last) return;
    A.csv("monte-carlo-bands.csv", ["day", "date", "p5", "p25", "p50", "p75", "p95"], last.predictions.map(function (p) {
      return [p.day, p.date, p.p5, p.p25, p.p50, p.p75, p.p95];
    }));
  });
  if (form.target.value !== "portfolio") run();
})();
