// The risk analysis page: metric cards, rolling volatility, drawdowns, histogram, correlations.
(function () {
  var A = window.PaperDeskAnalysis;
  var form = document.getElementById("analysis-form");
  var rolling = A.lineChart(document.getElementById("rolling-chart"));
  var drawdown = A.lineChart(document.getElementById("drawdown-chart"));
  var histogram = A.track(new Chart(document.getElementById("histogram-chart"), {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { ticks: { maxTicksLimit: 10 } } } },
  }));
  var last = null;

  var CARD = [
    ["annual_return", "Annual return", "pct"], ["annual_volatility", "Volatility", "pct"],
    ["sharpe", "Sharpe", "num"], ["sortino", "Sortino", "num"], ["max_drawdown", "Max drawdown", "pct"],
    ["var_95", "VaR 95 % (1 day)", "pct"], ["cvar_95", "CVaR 95 %", "pct"], ["var_99", "VaR 99 %", "pct"],
    ["cvar_99", "CVaR 99 %", "pct"], ["var_95_parametric", "Normal VaR 95 %", "pct"],
    ["var_99_parametric", "Normal VaR 99 %", "pct"], ["beta", "Beta", "num"], ["alpha", "Alpha", "pct"],
    ["correlation", "Correlation", "num"], ["r_squared", "R²", "num"], ["skew", "Skew", "num"], ["kurtosis", "Excess kurtosis", "num"],
  ];
  var BADGE = { low: "text-bg-success", moderate: "text-bg-warning", high: "text-bg-danger" };

  function card(ticker, m) {
    var rows = CARD.map(function (c) {
      return "<tr><td>" + c[1] + "</td><td class='text-end'>" + A[c[2]](m[c[0]]) + "</td></tr>";
    }).join("");
    var dd = "peak " + m.peak_date + ", trough " + m.trough_date + ", " + (m.recovery_date ? "recovered " + m.recovery_date : "not recovered");
    var div = document.createElement("div");
    div.className = "col";
    div.innerHTML = "<div class='card h-100 metric-card' data-ticker='" + ticker + "'><div class='card-header d-flex'>" +
      "<strong>" + ticker + "</strong><span class='badge ms-auto " + BADGE[m.rating] + "'>" + m.rating + " risk</span></div>" +
      "<div class='card-body'><p class='small'></p><p class='small text-body-secondary'></p><table class='table table-sm small mb-0'>" + rows + "</table></div></div>";
    div.querySelector("p.small").textContent = m.summary;
    div.querySelector("p.text-body-secondary").textContent = m.start_date + " to " + m.end_date + " · drawdown " + dd;
    return div;
  }

  function heat(v) {
    var a = Math.min(1, Math.abs(v));
    return v >= 0 ? "rgba(13,110,253," + (a * 0.8).toFixed(2) + ")" : "rgba(220,53,69," + (a * 0.8).toFixed(2) + ")";
  }

  function render(body) {
    last = body;
    var tickers = Object.keys(body.data);
    var cards = document.getElementById("metric-cards");
    cards.innerHTML = "";
    tickers.forEach(function (t) { cards.appendChild(card(t, body.data[t])); });
    document.getElementById("analysis-benchmark").textContent = "Benchmark: " + body.benchmark + " · risk-free rate " + A.pct(body.risk_free, 2);
    var ch = body.charts;
    document.getElementById("rolling-window").textContent = ch.rolling_window;
    [rolling, drawdown].forEach(function (chart, i) {
      var source = i === 0 ? ch.rolling_volatility : ch.drawdown;
      chart.data.labels = ch.dates;
      chart.data.datasets = tickers.map(function (t, k) {
        return { label: t, data: source[t], borderColor: A.colours[k % 10], backgroundColor: A.colours[k % 10] };
      });
      chart.update();
    });
    var edges = ch.histogram.edges;
    histogram.data.labels = edges.slice(0, -1).map(function (e, i) { return (50 * (e + edges[i + 1])).toFixed(1) + "%"; });
    histogram.data.datasets = tickers.map(function (t, k) {
      return { label: t, data: ch.histogram.counts[t], backgroundColor: A.colours[k % 10] + "99" };
    });
    histogram.update();
    var corr = ch.correlation;
    var html = "<thead><tr><th></th>" + corr.tickers.map(function (t) { return "<th>" + t + "</th>"; }).join("") + "</tr></thead><tbody>";
    corr.matrix.forEach(function (row, i) {
      html += "<tr><th>" + corr.tickers[i] + "</th>" + row.map(function (v) {
        return v === null ? "<td>n/a</td>" : "<td data-corr='" + v + "'>" + v.toFixed(2) + "</td>";
      }).join("") + "</tr>";
    });
    var table = document.getElementById("correlation-table");
    table.innerHTML = html + "</tbody>";
    table.querySelectorAll("td[data-corr]").forEach(function (td) { td.style.background = heat(+td.dataset.corr); });
    document.getElementById("analysis-results").classList.remove("d-none");
  }

  function run() {
    var body = {
      tickers: form.tickers.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean),
      start_date: form.start_date.value || null,
      end_date: form.end_date.value || null,
      risk_free: form.risk_free.value === "" ? null : +form.risk_free.value / 100,
    };
    A.job(document.getElementById("analysis-job"), "/user/api/stock_analysis", { body: body, results: "analysis-results" }).then(render, function () {});
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  document.getElementById("analysis-csv").addEventListener("click", function () {
    if (!last) return;
    var keys = Object.keys(last.metrics);
    var rows = Object.keys(last.data).map(function (t) { return [t].concat(keys.map(function (k) { return last.data[t][k]; })); });
    A.csv("risk-metrics.csv", ["ticker"].concat(keys), rows);
  });
  run();
})();
