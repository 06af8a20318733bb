// Shared helpers of the analysis pages: jobs with a spinner and a Cancel button, themed
// Chart.js defaults, number formats and CSV downloads.
(function () {
  var COLOURS = ["#0d6efd", "#fd7e14", "#20c997", "#6f42c1", "#d63384", "#ffc107", "#0dcaf0", "#198754", "#dc3545", "#6610f2"];

  function css(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function themeCharts() {
    Chart.defaults.color = css("--bs-body-color", "#212529");
    Chart.defaults.borderColor = css("--bs-border-color-translucent", "rgba(0,0,0,.1)");
  }

  var charts = [];
  function track(chart) {
    charts.push(chart);
    return chart;
  }
  new MutationObserver(function () {
    themeCharts();
    charts.forEach(function (c) {
      Object.values(c.options.scales || {}).forEach(function (s) {
        if (s.ticks) s.ticks.color = Chart.defaults.color;
        if (s.grid) s.grid.color = Chart.defaults.borderColor;
      });
      if (c.options.plugins && c.options.plugins.legend) c.options.plugins.legend.labels.color = Chart.defaults.color;
      c.update("none");
    });
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
  if (window.Chart) themeCharts();

  // Run a GET or POST; after a second without an answer show the spinner with Cancel.
  // ``options.results``: the id of the results block, hidden when the run fails, so that
  // an earlier run's figures (and their CSV and Explain buttons) are not taken for this one.
  function job(box, url, options) {
    var controller = new AbortController();
    var spinner = box.querySelector(".job-spinner");
    var error = box.querySelector(".job-error");
    var cancel = box.querySelector(".job-cancel");
    error.classList.add("d-none");
    var timer = setTimeout(function () { spinner.classList.remove("d-none"); }, 1000);
    function done() { clearTimeout(timer); spinner.classList.add("d-none"); cancel.onclick = null; }
    cancel.onclick = function () { controller.abort(); };
    var init = { signal: controller.signal, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (options && options.body) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = window.PaperDesk.csrfToken();
      init.body = JSON.stringify(options.body);
    }
    return fetch(url, init)
      .then(function (r) { return r.json(); })
      .then(function (body) {
        done();
        if (!body.success) throw new Error(body.error || "The request failed.");
        return body;
      })
      .catch(function (e) {
        done();
        error.textContent = e.name === "AbortError" ? "Cancelled." : e.message;
        error.classList.remove("d-none");
        if (options && options.results) document.getElementById(options.results).classList.add("d-none");
        throw e;
      });
  }

  // A fraction as a percentage written as on every other page ("13.50%", no space, so the
  // number and its sign never wrap apart).
  function pct(v) {
    return v === null || v === undefined ? "n/a" : PaperDeskFormat.percent(100 * v, false);
  }
  function num(v, digits) {
    return v === null || v === undefined ? "n/a" : (+v).toFixed(digits === undefined ? 2 : digits);
  }
  function money(v) {
    if (v === null || v === undefined) return "n/a";
    return (v < 0 ? "-$" : "$") + Math.abs(+v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function csv(filename, header, rows) {
    var text = [header].concat(rows).map(function (r) {
      return r.map(function (v) { return v === null || v === undefined ? "" : String(v).replace(/[",\n]/g, " "); }).join(",");
    }).join("\n") + "\n";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function lineChart(canvas, extra) {
    return track(new Chart(canvas, Object.assign({
      type: "line",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
        scales: { x: { ticks: { maxTicksLimit: 8 } } },
      },
    }, extra || {})));
  }

  // One row of a backtest's metrics table (a strategy or buy-and-hold).
  function metricsRow(label, m) {
    return "<tr><th>" + label + "</th>" + [pct(m.total_return), pct(m.annual_return), pct(m.annual_volatility),
      pct(m.max_drawdown), num(m.sharpe), pct(m.win_rate, 0), pct(m.exposure, 0), m.trades].map(function (v) {
      return "<td class='text-end'>" + v + "</td>";
    }).join("") + "</tr>";
  }

  window.PaperDeskAnalysis = { colours: COLOURS, job: job, pct: pct, num: num, money: money, csv: csv, lineChart: lineChart, track: track, charts: charts, metricsRow: metricsRow };
})();
