// The stock page: daily candles with volume, a live badge and 10-second candles over SSE,
// the watchlist and the search box.
(function () {
  var ticker = document.getElementById("ticker").dataset.ticker;
  var charts = (window.PaperDeskCharts = {});

  function candle(point) {
    return { x: point.time * 1000, o: +point.open, h: +point.high, l: +point.low, c: +point.close };
  }

  var F = window.PaperDeskFormat;
  var AXIS_WIDTH = 64;  // both daily charts reserve the same y-axis width, so bars sit under candles
  function fixedAxis(scale) { scale.width = AXIS_WIDTH; }

  function financialChart(canvas, time, ticks) {
    return new Chart(canvas, {
      type: "candlestick",
      data: { datasets: [{ label: ticker, data: [] }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { type: "timeseries", offset: true, time: time, ticks: ticks || { maxTicksLimit: 8 } },
          y: { afterFit: fixedAxis },
        },
      },
    });
  }

  // One time format on every axis: "MMM yyyy" for months, "MMM d" for days, "HH:mm:ss" live.
  // Up to two years months are labelled (each one where there is room); a month's days
  // are thinned to fit; longer periods label years.
  function dailyAxis(period) {
    if (period === "1mo" || period === "5d") return { unit: "day", displayFormats: { day: "MMM d" } };
    if (period === "5y" || period === "max") return { unit: "year", displayFormats: { year: "yyyy" } };
    return { unit: "month", displayFormats: { month: "MMM yyyy" } };
  }

  // Bars sit at UTC midnight of their trading day; a label marks the first bar of a
  // month (or year), so no month is labelled twice.
  var LABEL = {
    day: { month: "short", day: "numeric", timeZone: "UTC" },
    month: { month: "short", year: "numeric", timeZone: "UTC" },
    year: { year: "numeric", timeZone: "UTC" },
  };
  function periodKey(ms, unit) {
    var d = new Date(ms);
    return unit === "year" ? d.getUTCFullYear() : unit === "month" ? d.getUTCFullYear() * 12 + d.getUTCMonth() : ms;
  }

  // The room a label needs ("Sep 2018", "2018"): on a narrow chart (a phone) only every
  // second or third month gets one, so that no two labels run into each other.
  var LABEL_ROOM = { month: 64, year: 40 };
  function labelledTicks(ticks, unit, width) {
    var starts = [];
    ticks.forEach(function (tick, i) {
      if (i === 0 || periodKey(ticks[i - 1].value, unit) !== periodKey(tick.value, unit)) starts.push(i);
    });
    var step = Math.max(1, Math.ceil((starts.length * LABEL_ROOM[unit]) / Math.max(width, 1)));
    return starts.filter(function (_, n) { return n % step === 0; });
  }

  function setDailyAxis(period) {
    var x = charts.daily.options.scales.x;
    x.time = dailyAxis(period);
    var unit = x.time.unit;
    x.ticks.autoSkip = unit === "day";
    var shown = { ticks: null, width: 0, at: null };  // worked out once per layout
    x.ticks.callback = function (value, index, ticks) {
      if (unit === "day") return new Date(ticks[index].value).toLocaleString("en-US", LABEL.day);
      var width = this.maxWidth || this.width;
      if (shown.ticks !== ticks || shown.width !== width) {
        shown.ticks = ticks;
        shown.width = width;
        shown.at = new Set(labelledTicks(ticks, unit, width));
      }
      return shown.at.has(index) ? new Date(ticks[index].value).toLocaleString("en-US", LABEL[unit]) : null;
    };
  }

  charts.daily = financialChart(document.getElementById("daily-chart"), dailyAxis("6mo"), { autoSkip: false, maxRotation: 0 });
  charts.volume = new Chart(document.getElementById("volume-chart"), {
    type: "bar",
    data: { datasets: [{ label: "Volume", data: [], backgroundColor: "rgba(108,117,125,.5)" }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { type: "timeseries", offset: true, time: { unit: "day" }, ticks: { display: false } },
        y: { afterFit: fixedAxis, ticks: { callback: function (v) { return F.number(v / 1e6) + "M"; } } },
      },
    },
  });
  // Live candles are labelled in the zone the page's other times use (the profile's, not
  // the browser's): the date adapter only knows the browser's, so the labels are ours.
  charts.live = financialChart(document.getElementById("live-chart"), { unit: "second" }, {
    maxTicksLimit: 8,
    major: { enabled: false },
    callback: function (value) { return F.clock(value); },
  });
  charts.live.options.plugins.tooltip = {
    callbacks: { title: function (items) { return items.length ? F.clock(items[0].parsed.x, true) : ""; } },
  };
  // No time axis until there is a candle to place on it: empty, it reads 00:00:00.
  charts.live.options.scales.x.display = false;
  function drawLive() {
    charts.live.options.scales.x.display = charts.live.data.datasets[0].data.length > 0;
    charts.live.update();
  }

  var dailyRows = [];

  function drawDaily() {
    charts.daily.data.datasets[0].data = dailyRows.map(function (b) { return { x: b.x, o: b.o, h: b.h, l: b.l, c: b.c }; });
    charts.volume.data.datasets[0].data = dailyRows.map(function (b) { return { x: b.x, y: b.v }; });
    if (dailyRows.length) {  // the same x range on both charts
      var range = { min: dailyRows[0].x, max: dailyRows[dailyRows.length - 1].x };
      Object.assign(charts.daily.options.scales.x, range);
      Object.assign(charts.volume.options.scales.x, range);
    }
    charts.daily.update();
    charts.volume.update();
  }

  function loadDaily(period) {
    setDailyAxis(period);
    fetch("/user/api/market_data?ticker=" + ticker + "&period=" + period, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.success) { document.getElementById("daily-note").textContent = body.error; return; }
        dailyRows = body.data.map(function (b) {
          return { x: Date.parse(b.date), o: +b.open, h: +b.high, l: +b.low, c: +b.close, v: b.volume };
        });
        if (lastQuote) growToday(lastQuote, false);
        drawDaily();
        document.getElementById("daily-note").textContent =
          body.data.length + " trading days · source: " + body.source + (body.stale ? " (stale)" : "");
      });
  }

  // Today's daily bar: appears with the first quote of the day and grows with each one.
  var lastQuote = null;
  function growToday(q, draw) {
    if (!dailyRows.length || q.open === null) return;
    // the session the price belongs to: the practice market's evening trades for tomorrow
    var day = Date.parse(q.trading_day || q.last_updated.slice(0, 10));
    var last = dailyRows[dailyRows.length - 1];
    var bar = { x: day, o: +q.open, h: +q.high, l: +q.low, c: +q.price, v: q.volume || 0 };
    if (last.x === day) dailyRows[dailyRows.length - 1] = bar;
    else if (day > last.x) dailyRows.push(bar);
    else return;
    if (draw !== false) drawDaily();
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
        drawLive();
      }
    });

  function showQuote(q) {
    var badge = document.getElementById("live-price");
    badge.textContent = F.price(q.price);
    badge.dataset.price = q.price;
    // the big price takes the colour of the day's change, like its badge
    badge.classList.toggle("up", q.change !== null && +q.change > 0);
    badge.classList.toggle("down", q.change !== null && +q.change < 0);
    var change = document.getElementById("live-change");
    var pct = q.change_percent === null ? "" : " (" + F.percent(q.change_percent) + ")";
    change.textContent = (q.change === null ? "" : F.price(q.change, true)) + pct;
    change.className = "badge " + (q.change === null ? "text-bg-secondary" : +q.change > 0 ? "text-bg-success" : +q.change < 0 ? "text-bg-danger" : "text-bg-secondary");
    document.getElementById("live-source").textContent =
      "source: " + q.source + " · as of " + F.when(q.last_updated, true) + (q.stale ? " · stale" : "");
    lastQuote = q;
    growToday(q);
    if (q.candle) {
      var data = charts.live.data.datasets[0].data;
      var point = candle(q.candle);
      if (data.length && data[data.length - 1].x === point.x) data[data.length - 1] = point;
      else data.push(point);
      if (data.length > 90) data.shift();
      drawLive();
      document.getElementById("live-note").textContent = data.length + (data.length === 1 ? " candle" : " candles");
    }
  }

  function showWatch(q) {
    var item = document.querySelector('#watchlist [data-ticker="' + q.ticker + '"] .wl-price');
    if (item) item.textContent = F.price(q.price);
  }

  // The watchlist card follows the Watch button at once.
  function showWatchlist(tickers) {
    var list = document.getElementById("watchlist");
    var prices = {};
    list.querySelectorAll("[data-ticker]").forEach(function (li) { prices[li.dataset.ticker] = li.querySelector(".wl-price").textContent; });
    list.innerHTML = "";
    tickers.forEach(function (t) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between";
      li.dataset.ticker = t;
      var a = document.createElement("a");
      a.href = "/user/stock_chart?ticker=" + encodeURIComponent(t);
      a.textContent = t;
      var price = document.createElement("span");
      price.className = "wl-price text-body-secondary";
      price.textContent = prices[t] || (t === ticker && lastQuote ? F.price(lastQuote.price) : "…");
      li.appendChild(a);
      li.appendChild(price);
      list.appendChild(li);
    });
    if (!tickers.length) {
      var empty = document.createElement("li");
      empty.className = "list-group-item text-body-secondary small";
      empty.id = "watchlist-empty";
      empty.textContent = "Nothing watched yet.";
      list.appendChild(empty);
    }
  }

  fetch("/api/price?ticker=" + ticker, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (q) { if (q.success) showQuote(q); });

  var watched = Array.prototype.map.call(document.querySelectorAll("#watchlist [data-ticker]"), function (li) {
    return li.dataset.ticker;
  });
  var streamed = [ticker].concat(watched.filter(function (t) { return t !== ticker; })).slice(0, 20);
  window.PaperDeskStream.want({ tickers: streamed });
  window.PaperDeskStream.on("quote", function (event) {
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
      showWatchlist(body.watchlist);
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
  // Enter opens the first match (as a click on it would); arrow keys reach the list.
  search.addEventListener("keydown", function (e) {
    var first = results.querySelector("a");
    if (e.key === "Enter" && first) { e.preventDefault(); window.location.href = first.href; }
    if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
  });
})();
