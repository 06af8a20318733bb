// A rule's page: the rule backtested on the stored daily bars, against buy-and-hold.
(function () {
  var A = window.PaperDeskAnalysis;
  var form = document.getElementById("rbt-form");
  if (!form || !A) return;
  var equity = A.lineChart(document.getElementById("rbt-equity-chart"));
  var drawdown = A.lineChart(document.getElementById("rbt-drawdown-chart"));
  var last = null;  // the latest result, for the CSV buttons

  function query() {
    var q = new URLSearchParams({ cash: form.cash.value, window_days: form.window_days.value });
    if (form.start_date.value) q.set("start_date", form.start_date.value);
    if (form.end_date.value) q.set("end_date", form.end_date.value);
    return q;
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  // A long backtest makes hundreds of trades: the table starts with the first ones (the CSV
  // has them all) so that the page stays a page.
  var FIRST_TRADES = 50;

  function trades(body, all) {
    var tbody = document.querySelector("#rbt-trades tbody");
    tbody.textContent = "";
    var shown = all ? body.trades : body.trades.slice(0, FIRST_TRADES);
    shown.forEach(function (t) {
      var tr = document.createElement("tr");
      tr.dataset.side = t.side;
      var cls = t.pnl === null ? "text-end" : t.pnl > 0 ? "text-end text-success" : "text-end text-danger";
      [cell(t.date), cell(t.side), cell(A.num(t.price, 4), "text-end"), cell(t.shares, "text-end"),
        cell(A.money(t.commission), "text-end"), cell(t.pnl === null ? "" : A.money(t.pnl), cls),
        cell(t.position, "text-end"), cell(A.money(t.cash), "text-end")].forEach(function (td) { tr.appendChild(td); });
      tbody.appendChild(tr);
    });
    if (!body.trades.length) {
      var empty = document.createElement("tr");
      empty.appendChild(cell("No trades: the closes stayed inside the bands.", "text-body-secondary"));
      empty.firstChild.colSpan = 8;
      tbody.appendChild(empty);
    }
    var total = body.trades.length;
    document.getElementById("rbt-trades-more").classList.toggle("d-none", shown.length === total);
    document.getElementById("rbt-trades-count").textContent =
      "The first " + shown.length + " of " + total + " trades; the CSV has them all.";
    document.getElementById("rbt-trades-all").textContent = "Show all " + total + " trades";
    var skipped = body.skipped.length;
    document.getElementById("rbt-skipped").textContent = skipped ? skipped + " signals skipped (" +
      body.skipped.slice(0, 3).map(function (s) { return s.date + ": " + s.reason; }).join("; ") + (skipped > 3 ? "; …" : "") + ")" : "";
  }

  function render(body) {
    last = body;
    var label = "Rule #" + body.rule_id;
    document.querySelector("#rbt-metrics tbody").innerHTML = A.metricsRow(label, body.metrics) + A.metricsRow("Buy and hold", body.buy_and_hold);
    equity.data.labels = drawdown.data.labels = body.dates;
    equity.data.datasets = [
      { label: label, data: body.equity, borderColor: A.colours[0] },
      { label: "Buy and hold", data: body.benchmark_equity, borderColor: "#6c757d" },
    ];
    drawdown.data.datasets = [
      { label: label, data: body.drawdown, borderColor: A.colours[0], backgroundColor: "rgba(13,110,253,.15)", fill: "origin" },
      { label: "Buy and hold", data: body.benchmark_drawdown, borderColor: "#6c757d" },
    ];
    equity.update();
    drawdown.update();
    trades(body);
    document.getElementById("rbt-results").classList.remove("d-none");
  }

  function run() {
    A.job(document.getElementById("rbt-job"), form.dataset.url + "?" + query().toString(), { results: "rbt-results" }).then(render, function () {});
  }

  document.getElementById("rbt-trades-all").addEventListener("click", function () {
    if (last) trades(last, true);
  });

  var TRADE_COLUMNS = ["date", "side", "price", "shares", "commission", "pnl", "position", "cash"];
  document.getElementById("rbt-trades-csv").addEventListener("click", function () {
    if (!last) return;
    A.csv("rule-" + last.rule_id + "-trades.csv", TRADE_COLUMNS, last.trades.map(function (t) {
      return TRADE_COLUMNS.map(function (k) { return t[k]; });
    }));
  });
  document.getElementById("rbt-curve-csv").addEventListener("click", function () {
    if (!last) return;
    A.csv("rule-" + last.rule_id + "-curve.csv", ["date", "equity", "drawdown", "shares", "buy_hold_equity", "buy_hold_drawdown"],
      last.dates.map(function (d, i) {
        return [d, last.equity[i], last.drawdown[i], last.shares[i], last.benchmark_equity[i], last.benchmark_drawdown[i]];
      }));
  });

  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
})();
