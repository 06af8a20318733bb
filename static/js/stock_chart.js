// The stock page: daily candles with volume, a live badge and 10-second candles over SSE,
// the watchlist and the search box.
(function () {
  var ticker = document.getElementById("ticker").dataset.ticker;
  var charts = (window.PaperDeskCharts = {});

  function candle(point) {
    return { x: point.time * 1000, o: +point.open, h: +point.high, l: +point.low, c: +point.close };
  }

  function financialChart(canvas, time) {
    return new Chart(canvas, {
      type: "candlestick",
      data: { datasets: [{ label: ticker, data: [] }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { type: "timeseries", time: time, ticks: { maxTicksLimit: 8 } } },
      },
    });
  }

  charts.daily = financialChart(document.getElementById("daily-chart"), { unit: "day" });
  charts.volume = new Chart(document.getElementById("volume-chart"), {
    type: "bar",
    data: { datasets: [{ label: "Volume", data: [], backgroundColor: "rgba(108,117,125,.5)" }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { type: "timeseries", time: { unit: "day" }, ticks: { display: false } } },
    },
  });
  charts.live = financialChart(document.getElementById("live-chart"), {
    unit: "second",
    displayFormats: { second: "HH:mm:ss" },
  });

  function loadDaily(period) {
    fetch("/user/api/market_data?ticker=" + ticker + "&period=" + period, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.success) { document.getElementById("daily-note").textContent = body.error; return; }
        var rows = body.data;
        charts.daily.data.datasets[0].data = rows.map(function (b) {
          return { x: Date.parse(b.date), o: +b.open, h: +b.high, l: +b.low, c: +b.close };
        });
        charts.volume.data.datasets[0].data = rows.map(function (b) { return { x: Date.parse(b.date), y: b.volume }; });
        charts.daily.update();
        charts.volume.update();
        document.getElementById("daily-note").textContent =
          rows.length + " trading days · source: " + body.source + (body.stale ? " (stale)" : "");
      });
  }

  document.querySelectorAll("#periods button").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll("#periods button").forEach(function (b) { b.classList.remove("active"); });
      button.classList.add("active");
      loadDaily(button.dataset.period);
    });
  });
  loadDaily("6mo");

  fetch("/api/candles?ticker=" + ticker + "&interval=10s&limit=60", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (body) {
      if (body.success) {
        charts.live.data.datasets[0].data = body.candles.map(candle);
        charts.live.update();
      }
    });

  function showQuote(q) {
    var badge = document.getElementById("live-price");
    var previous = parseFloat(badge.dataset.price);
    badge.textContent = "$" + (+q.price).toFixed(2);
    badge.dataset.price = q.price;
    badge.classList.toggle("up", previous && +q.price > previous);
    badge.classList.toggle("down", previous && +q.price < previous);
    var change = document.getElementById("live-change");
    var pct = q.change_percent === null ? "" : " (" + (+q.change_percent).toFixed(2) + "%)";
    change.textContent = (q.change === null ? "" : (+q.change >= 0 ? "+" : "") + (+q.change).toFixed(2)) + pct;
    change.className = "badge " + (q.change === null ? "text-bg-secondary" : +q.change >= 0 ? "text-bg-success" : "text-bg-danger");
    document.getElementById("live-source").textContent =
      "source: " + q.source + " · as of " + q.last_updated.replace("T", " ").replace("Z", " UTC") + (q.stale ? " · stale" : "");
    if (q.candle) {
      var data = charts.live.data.datasets[0].data;
      var point = candle(q.candle);
      if (data.length && data[data.length - 1].x === point.x) data[data.length - 1] = point;
      else data.push(point);
      if (data.length > 90) data.shift();
      charts.live.update();
      document.getElementById("live-note").textContent = data.length + " candles";
    }
  }

  function showWatch(q) {
    var item = document.querySelector('#watchlist [data-ticker="' + q.ticker + '"] .wl-price');
    if (item) item.textContent = "$" + (+q.price).toFixed(2);
  }

  fetch("/api/price?ticker=" + ticker, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (q) { if (q.success) showQuote(q); });

  var watched = Array.prototype.map.call(document.querySelectorAll("#watchlist [data-ticker]"), function (li) {
    return li.dataset.ticker;
  });
  var streamed = [ticker].concat(watched.filter(function (t) { return t !== ticker; })).slice(0, 20);
  var source = new EventSource("/stream/quotes?tickers=" + streamed.join(","));
  source.addEventListener("quote", function (event) {
    var q = JSON.parse(event.data);
    if (q.ticker === ticker) showQuote(q);
    showWatch(q);
  });

  var toggle = document.getElementById("watch-toggle");
  toggle.addEventListener("click", function () {
    var watching = toggle.dataset.watched === "true";
    var url = watching ? "/user/api/watchlist/" + ticker + "/remove" : "/user/api/watchlist";
    PaperDesk.postJSON(url, { ticker: ticker }).then(function (body) {
      if (!body.success) return;
      toggle.dataset.watched = watching ? "false" : "true";
      toggle.textContent = watching ? "☆ Watch" : "★ Watching";
      toggle.classList.toggle("btn-warning", !watching);
      toggle.classList.toggle("btn-outline-warning", watching);
    });
  });

  var search = document.getElementById("stock-search");
  var results = document.getElementById("search-results");
  var pending;
  search.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      var q = search.value.trim();
      if (!q) { results.innerHTML = ""; return; }
      fetch("/user/api/search?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          results.innerHTML = "";
          body.results.forEach(function (hit) {
            var a = document.createElement("a");
            a.className = "list-group-item list-group-item-action small";
            a.href = "/user/stock_chart?ticker=" + encodeURIComponent(hit.ticker);
            a.textContent = hit.ticker + " · " + hit.name;
            results.appendChild(a);
          });
          if (!body.results.length) results.innerHTML = '<div class="list-group-item small text-body-secondary">No match</div>';
        });
    }, 200);
  });
})();
