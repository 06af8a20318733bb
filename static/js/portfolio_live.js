// The portfolio page, live: when a held price moves or the account changes, the summary and
// the positions are re-read from the server and the allocation doughnut follows them.
(function () {
  var Live = window.PaperDeskLive;
  var source = null, followed = "";

  function held() { return Live.tickersIn("#positions-table tr[data-ticker]"); }

  function redrawAllocation() {
    var chart = window.PaperDeskCharts && window.PaperDeskCharts.allocation;
    if (!chart) return;
    var cash = document.getElementById("summary-cash");
    var labels = ["Cash"], values = [chart.data.datasets[0].data[0]];
    if (cash && cash.dataset.value) values[0] = +cash.dataset.value;
    document.querySelectorAll("#positions-table tbody tr[data-ticker]").forEach(function (row) {
      labels.push(row.dataset.ticker);
      values.push(+row.dataset.marketValue || 0);
    });
    chart.data.labels = labels;
    chart.data.datasets[0].data = values;
    chart.update("none");
  }

  function followTickers() {
    var tickers = held();
    if (source && tickers.join(",") === followed) return;
    if (source) source.close();
    followed = tickers.join(",");
    source = Live.follow({
      tickers: tickers,
      onQuote: function () { refresh.throttled(); },
      onAccount: function () { refresh(); },
    });
  }

  var refresh = Live.refresher(["portfolio-summary", "positions-card", "allocation-table"], function () {
    redrawAllocation();
    followTickers();
  });
  followTickers();
})();
