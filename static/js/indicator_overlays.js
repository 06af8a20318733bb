// The stock page's indicators: overlays on the daily candles and panels under them, chosen
// by the user and saved for them on the server.
(function () {
  var charts = window.PaperDeskCharts;
  var ticker = document.getElementById("ticker").dataset.ticker;
  var panelBox = document.getElementById("indicator-panels");
  var errorBox = document.getElementById("indicator-error");
  var DEFAULTS = { sma_period: 20, ema_period: 20, bb_period: 20, bb_dev: 2, rsi_period: 14 };
  var OVERLAY_SERIES = {
    sma: [["sma", "#fd7e14"]], ema: [["ema", "#6f42c1"]], vwap: [["vwap", "#20c997"]],
    bbands: [["bb_upper", "rgba(13,110,253,.6)"], ["bb_middle", "rgba(13,110,253,.35)"], ["bb_lower", "rgba(13,110,253,.6)"]],
  };
  var PANEL_SERIES = {
    rsi: [["rsi", "#6f42c1"]], macd: [["macd", "#0d6efd"], ["macd_signal", "#fd7e14"], ["macd_hist", "rgba(108,117,125,.6)", "bar"]],
    stoch: [["stoch_k", "#0d6efd"], ["stoch_d", "#fd7e14"]], atr: [["atr", "#198754"]], obv: [["obv", "#0dcaf0"]],
  };
  // A series key as its legend reads, with the parameters the answer was computed with.
  function withParams(text, p, keys, suffix) {
    var values = keys.map(function (k) { return p[k]; });
    if (values.some(function (v) { return v === undefined || v === null; })) return text;
    return text + " " + values.join("/") + (suffix || "");
  }
  var LABELS = {
    sma: function (p) { return withParams("SMA", p, ["sma_period"]); },
    ema: function (p) { return withParams("EMA", p, ["ema_period"]); },
    vwap: function (p) { return withParams("VWAP", p, ["vwap_period"]); },
    bb_upper: function (p) { return withParams("Bollinger upper", p, ["bb_period", "bb_dev"], "σ"); },
    bb_middle: function (p) { return withParams("Bollinger middle", p, ["bb_period"]); },
    bb_lower: function (p) { return withParams("Bollinger lower", p, ["bb_period", "bb_dev"], "σ"); },
    rsi: function (p) { return withParams("RSI", p, ["rsi_period"]); },
    macd: function (p) { return withParams("MACD", p, ["macd_fast", "macd_slow"]); },
    macd_signal: function (p) { return withParams("MACD signal", p, ["macd_signal"]); },
    macd_hist: function () { return "MACD histogram"; },
    stoch_k: function (p) { return withParams("Stochastic %K", p, ["stoch_k", "stoch_smooth"]); },
    stoch_d: function (p) { return withParams("Stochastic %D", p, ["stoch_d"]); },
    atr: function (p) { return withParams("ATR", p, ["atr_period"]); },
    obv: function () { return "OBV"; },
  };
  function seriesLabel(key, body) { return LABELS[key] ? LABELS[key](body.params || {}) : key; }
  var prefs = { overlays: [], panels: ["volume"], params: {} };
  var period = "6mo";
  var panelCharts = {};
  charts.indicators = panelCharts;

  function chosen(kind) {
    return Array.prototype.map.call(document.querySelectorAll('#indicator-panel input[data-kind="' + kind + '"]:checked'), function (i) { return i.value; });
  }

  function params() {
    var out = {};
    document.querySelectorAll(".indicator-param").forEach(function (input) {
      if (input.value !== "") out[input.dataset.param] = +input.value;
    });
    return out;
  }

  function apply(p) {
    document.querySelectorAll("#indicator-panel input[data-kind]").forEach(function (input) {
      input.checked = (p[input.dataset.kind] || []).indexOf(input.value) >= 0;
    });
    document.querySelectorAll(".indicator-param").forEach(function (input) {
      var v = p.params && p.params[input.dataset.param];
      input.value = v === undefined ? DEFAULTS[input.dataset.param] : v;
    });
  }

  function points(dates, values) {
    return dates.map(function (d, i) { return { x: Date.parse(d), y: values[i] }; });
  }

  function panelChart(name) {
    if (panelCharts[name]) return panelCharts[name];
    var box = document.createElement("div");
    box.className = "chart-box-small mt-2";
    box.dataset.panel = name;
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", name.toUpperCase() + " panel");
    box.appendChild(canvas);
    panelBox.appendChild(box);
    panelCharts[name] = new Chart(canvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        animation: false, maintainAspectRatio: false, elements: { point: { radius: 0 }, line: { borderWidth: 1.2 } },
        plugins: { legend: { display: true, position: "left", labels: { boxWidth: 10 } } },
        scales: { x: { type: "timeseries", time: { unit: "day" }, ticks: { display: false } } },
      },
    });
    return panelCharts[name];
  }

  function draw(body) {
    var overlays = chosen("overlays"), panels = chosen("panels");
    var daily = charts.daily;
    daily.data.datasets = daily.data.datasets.slice(0, 1);
    overlays.forEach(function (name) {
      OVERLAY_SERIES[name].forEach(function (s) {
        daily.data.datasets.push({ type: "line", label: seriesLabel(s[0], body), data: points(body.dates, body.series[s[0]]), borderColor: s[1],
          borderWidth: 1.2, pointRadius: 0, spanGaps: false });
      });
    });
    daily.options.plugins.legend.display = overlays.length > 0;
    daily.update("none");
    document.getElementById("volume-chart").parentElement.classList.toggle("d-none", panels.indexOf("volume") < 0);
    Object.keys(panelCharts).forEach(function (name) {
      if (panels.indexOf(name) < 0) {
        panelCharts[name].destroy();
        panelBox.querySelector('[data-panel="' + name + '"]').remove();
        delete panelCharts[name];
      }
    });
    panels.filter(function (n) { return PANEL_SERIES[n]; }).forEach(function (name) {
      var chart = panelChart(name);
      chart.data.datasets = PANEL_SERIES[name].map(function (s) {
        return { type: s[2] || "line", label: seriesLabel(s[0], body), data: points(body.dates, body.series[s[0]]), borderColor: s[1], backgroundColor: s[1] };
      });
      chart.update("none");
    });
  }

  var latest = 0;
  // An answer's error in the panel's words: "rsi_period must be ..." is "RSI days must be
  // ...", next to the box of that name, which is outlined.
  function showError(body) {
    document.querySelectorAll(".indicator-param.is-invalid").forEach(function (i) { i.classList.remove("is-invalid"); });
    if (body.success) { errorBox.textContent = ""; return; }
    var box = body.field && document.getElementById("ind-" + body.field);
    var label = box && document.querySelector('label[for="ind-' + body.field + '"]');
    var text = body.error || "";
    if (label && text.indexOf(body.field) === 0) text = label.textContent.trim() + text.slice(body.field.length);
    if (box) box.classList.add("is-invalid");
    errorBox.textContent = text;
  }

  function load() {
    var ticket = ++latest;  // an answer to an older request must not overwrite a newer one
    var names = chosen("overlays").concat(chosen("panels").filter(function (n) { return n !== "volume"; }));
    if (!names.length) { draw({ dates: [], series: {} }); return; }
    var q = new URLSearchParams(Object.assign({ ticker: ticker, names: names.join(","), period: period }, params()));
    fetch("/user/api/indicators?" + q.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (ticket !== latest) return;
        showError(body);
        if (body.success) draw(body);
      });
  }

  // Saves go one after another, each sending the choice as it is then, so the last
  // one stored is the last one made.
  var saving = Promise.resolve();
  var pending = 0;
  var panel = document.getElementById("indicator-panel");
  function save() {
    load();
    pending += 1;
    panel.dataset.saved = "false";
    saving = saving.then(function () {
      var body = { overlays: chosen("overlays"), panels: chosen("panels"), params: params() };
      return window.PaperDesk.postJSON("/user/api/preferences/indicators", body).then(function (r) {
        showError(r);
      });
    }).catch(function () {}).then(function () {
      pending -= 1;
      if (!pending) panel.dataset.saved = "true";
    });
  }

  document.querySelectorAll("#indicator-panel input").forEach(function (input) { input.addEventListener("change", save); });
  document.querySelectorAll("#periods button").forEach(function (button) {
    button.addEventListener("click", function () { period = button.dataset.period; setTimeout(load, 0); });
  });
  fetch("/user/api/preferences/indicators", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (body) {
      if (body.success) prefs = body.preferences;
      apply(prefs);
      document.getElementById("indicator-panel").dataset.ready = "true";
      load();
    });
})();
