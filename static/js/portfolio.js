// The portfolio page: an allocation doughnut (cash and each position's market value),
// drawn from the figures the server rendered into the page.
(function () {
  var canvas = document.getElementById("allocation-chart");
  if (!canvas) return;

  var COLOURS = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#ffc107", "#0dcaf0", "#198754", "#dc3545", "#6610f2"];
  var labels = ["Cash"];
  var values = [parseFloat(canvas.dataset.cash) || 0];
  document.querySelectorAll("#positions-table tbody tr[data-ticker]").forEach(function (row) {
    labels.push(row.dataset.ticker);
    values.push(parseFloat(row.dataset.marketValue) || 0);
  });
  var colours = values.map(function (_, i) { return i === 0 ? "#adb5bd" : COLOURS[(i - 1) % COLOURS.length]; });
  var total = values.reduce(function (a, b) { return a + b; }, 0);

  function textColour() {
    return getComputedStyle(document.body).getPropertyValue("color") || "#212529";
  }

  function dollars(value) {
    return "$" + value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  var chart = new Chart(canvas, {
    type: "doughnut",
    data: { labels: labels, datasets: [{ data: values, backgroundColor: colours, borderWidth: 1 }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      cutout: "60%",
      plugins: {
        legend: { position: "bottom", labels: { color: textColour(), boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: function (item) {
              var pct = total ? (100 * item.raw / total).toFixed(1) : "0.0";
              return " " + item.label + ": " + dollars(item.raw) + " (" + pct + "%)";
            },
          },
        },
      },
    },
  });
  window.PaperDeskCharts = { allocation: chart };

  // Keep the legend readable when the theme switches between light and dark.
  new MutationObserver(function () {
    chart.options.plugins.legend.labels.color = textColour();
    chart.update("none");
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
})();
