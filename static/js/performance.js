// The portfolio page's performance card: growth of the account (time-weighted) against the
// benchmark, its drawdown, and its risk metrics.
(function () {
  var A = window.PaperDeskAnalysis;
  var growth = null, drawdown = null, last = null;

  function stat(label, value) {
    return "<div class='col'><div class='small text-body-secondary'>" + label + "</div><div class='fw-semibold tabular-nums'>" + value + "</div></div>";
  }

  function render(body) {
    last = body;
    if (!body.days) {
      var empty = document.getElementById("performance-empty");
      empty.textContent = body.message;
      empty.classList.remove("d-none");
      return;
    }
    var m = body.metrics || {};
    document.getElementById("performance-stats").innerHTML = [
      stat("Time-weighted return", A.pct(body.time_weighted_return)), stat("Annualised", A.pct(body.annualised_twr)),
      stat("Deposits", A.money(body.deposits)), stat("Withdrawals", A.money(body.withdrawals)),
      stat("Volatility", A.pct(m.annual_volatility)), stat("Sharpe", A.num(m.sharpe)),
      stat("Max drawdown", A.pct(m.max_drawdown)), stat("VaR 95 % (1 day)", A.pct(m.var_95)),
      stat("Beta", A.num(m.beta)), stat("Correlation", A.num(m.correlation)),
      stat("Sortino", A.num(m.sortino)), stat("Days valued", body.days),
    ].join("");
    growth = growth || A.lineChart(document.getElementById("performance-chart"));
    drawdown = drawdown || A.lineChart(document.getElementById("performance-drawdown"));
    growth.data.labels = drawdown.data.labels = body.dates;
    growth.data.datasets = [
      { label: "Account (growth of 1, time-weighted)", data: body.twr_index, borderColor: A.colours[0] },
      { label: body.benchmark, data: body.benchmark_index, borderColor: "#6c757d" },
    ];
    drawdown.data.datasets = [{ label: "Drawdown", data: body.drawdown, borderColor: "#dc3545", backgroundColor: "rgba(220,53,69,.15)", fill: "origin" }];
    growth.update();
    drawdown.update();
    document.getElementById("performance-note").textContent = body.metrics ? "Risk metrics use the account's daily time-weighted returns." :
      "The annualised return and the risk metrics appear after 20 valued days.";
    document.getElementById("performance-body").classList.remove("d-none");
  }

  function load(rebuild) {
    A.job(document.getElementById("performance-job"), "/user/api/performance" + (rebuild ? "?rebuild=1" : "")).then(render, function () {});
  }
  document.getElementById("performance-rebuild").addEventListener("click", function () { load(true); });
  document.getElementById("performance-csv").addEventListener("click", function () {
    if (!last || !last.days) return;
    A.csv("daily-values.csv", ["date", "value", "cash", "net_flow", "twr_index", "drawdown"], last.dates.map(function (d, i) {
      return [d, last.value[i], last.cash[i], last.net_flow[i], last.twr_index[i], last.drawdown[i]];
    }));
  });
  load(false);
})();
