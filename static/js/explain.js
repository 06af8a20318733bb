// "Explain this" on the analysis pages: gather the figures on screen (label -> value), hand
// them to the assistant page, which asks about them. At most 30 figures, short texts.
(function () {
  var MAX = 30;
  var QUESTIONS = {
    analysis: "Explain these risk figures.",
    monte_carlo: "Explain these Monte Carlo results.",
    backtest: "Explain these backtest results.",
  };

  function text(el) { return (el ? el.textContent : "").replace(/\s+/g, " ").trim(); }

  function add(figures, label, value) {
    label = label.slice(0, 60);
    if (!label || !value || Object.keys(figures).length >= MAX) return;
    figures[label] = value.slice(0, 120);
  }

  // Stat cards (a label above a value), then tables: two cells are label and value; wider
  // rows are named by their first cell and the column header.
  function collect(root) {
    var figures = {};
    root.querySelectorAll(".card-body").forEach(function (body) {
      var kids = body.children;
      if (kids.length === 2 && kids[0].tagName === "DIV" && kids[1].tagName === "DIV") add(figures, text(kids[0]), text(kids[1]));
    });
    root.querySelectorAll("table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), text);
      var prefix = text(table.closest("[data-ticker]") && table.closest("[data-ticker]").querySelector("strong"));
      table.querySelectorAll("tbody tr, tr").forEach(function (tr) {
        if (tr.closest("thead")) return;
        var cells = tr.children;
        if (cells.length === 2) add(figures, (prefix ? prefix + " " : "") + text(cells[0]), text(cells[1]));
        else if (cells.length > 2 && heads.length === cells.length) {
          for (var i = 1; i < cells.length; i++) add(figures, text(cells[0]) + " " + heads[i], text(cells[i]));
        }
      });
    });
    return figures;
  }

  document.querySelectorAll(".explain-this").forEach(function (button) {
    button.addEventListener("click", function () {
      var page = button.dataset.page;
      var figures = collect(document.querySelector(button.dataset.target));
      if (!Object.keys(figures).length) return;
      sessionStorage.setItem("paperdesk-explain", JSON.stringify({ page: page, question: QUESTIONS[page], figures: figures }));
      window.location.href = "/user/assistant";
    });
  });
})();
