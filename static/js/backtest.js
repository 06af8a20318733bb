// The backtest page: strategy parameters, equity and drawdown against buy-and-hold, trades.
(function () {
  var A = window.PaperDeskAnalysis;
  var form = document.getElementById("bt-form");
  var equity = A.lineChart(document.getElementById("equity-chart"));
  var drawdown = A.lineChart(document.getElementById("bt-drawdown-chart"));

  function showParams() {
    document.querySelectorAll(".strategy-params").forEach(function (row) {
      row.classList.toggle("d-none", row.dataset.strategy !== form.strategy.value);
    });
  }

  function query() {
    var q = new URLSearchParams({ ticker: form.ticker.value, strategy: form.strategy.value, cash: form.cash.value });
    if (form.start_date.value) q.set("start_date", form.start_date.value);
    if (form.end_date.value) q.set("end_date", form.end_date.value);
    document.querySelectorAll('.strategy-params[data-strategy="' + form.strategy.value + '"] input').forEach(function (input) {
      q.set(input.dataset.param, input.value);
    });
    return q;
  }

  function render(body, q) {
    document.querySelector("#bt-metrics tbody").innerHTML = A.metricsRow(body.strategy_name, body.metrics) + A.metricsRow("Buy and hold", body.buy_and_hold);
    equity.data.labels = drawdown.data.labels = body.dates;
    equity.data.datasets = [
      { label: body.strategy_name, data: body.equity, borderColor: A.colours[0] },
      { label: "Buy and hold", data: body.benchmark_equity, borderColor: "#6c757d" },
    ];
    drawdown.data.datasets = [
      { label: "Strategy", data: body.drawdown, borderColor: A.colours[0], backgroundColor: "rgba(13,110,253,.15)", fill: "origin" },
      { label: "Buy and hold", data: body.benchmark_drawdown, borderColor: "#6c757d" },
    ];
    equity.update();
    drawdown.update();
    document.querySelector("#bt-trades tbody").innerHTML = body.trades.map(function (t) {
      var cls = t.pnl === null ? "" : t.pnl > 0 ? "text-success" : "text-danger";
      return "<tr><td>" + t.entry_date + "</td><td class='text-end'>" + A.num(t.entry_price, 4) + "</td><td class='text-end'>" + t.shares +
        "</td><td>" + (t.exit_date || "open") + "</td><td class='text-end'>" + A.num(t.exit_price, 4) + "</td><td class='text-end'>" +
        A.money(t.commission) + "</td><td class='text-end " + cls + "'>" + A.money(t.pnl) + "</td><td class='text-end " + cls + "'>" + A.pct(t["return"]) + "</td></tr>";
    }).join("") || "<tr><td colspan='8' class='text-body-secondary'>No trades: the rule never fired.</td></tr>";
    document.getElementById("bt-trades-csv").href = "/user/api/backtest.csv?" + q + "&what=trades";
    document.getElementById("bt-curve-csv").href = "/user/api/backtest.csv?" + q + "&what=curve";
    document.getElementById("bt-results").classList.remove("d-none");
  }

  function run() {
    var q = query();
    A.job(document.getElementById("bt-job"), "/user/api/backtest?" + q.toString(), { results: "bt-results" }).then(function (body) { render(body, q.toString()); }, function () {});
  }

  form.strategy.addEventListener("change", showParams);
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  showParams();
  run();
})();
