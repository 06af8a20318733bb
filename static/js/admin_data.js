// Sync the history of the selected tickers one by one, showing progress.
(function () {
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(".sync-pick").forEach(function (box) { box.checked = all.checked; });
    });
  }
  var button = document.getElementById("sync-selected");
  var progress = document.getElementById("sync-progress");
  var bar = progress.querySelector(".progress-bar");
  var log = document.getElementById("sync-log");
  button.addEventListener("click", function () {
    var tickers = Array.prototype.map.call(document.querySelectorAll(".sync-pick:checked"), function (b) {
      return b.value;
    });
    if (!tickers.length) { log.textContent = "Select tickers to sync."; return; }
    button.disabled = true;
    progress.classList.remove("d-none");
    log.textContent = "";
    var done = 0;
    function next() {
      if (done === tickers.length) { button.disabled = false; return; }
      var ticker = tickers[done];
      PaperDesk.postJSON("/admin/data/sync", { ticker: ticker }).then(function (body) {
        done += 1;
        bar.style.width = Math.round((100 * done) / tickers.length) + "%";
        bar.textContent = done + " / " + tickers.length;
        var line = document.createElement("div");
        line.textContent = body.success ? body.message : ticker + ": " + body.error;
        line.className = body.success ? "sync-ok" : "text-danger";
        log.appendChild(line);
        var cell = document.querySelector('#universe [data-ticker="' + ticker + '"] .synced-at');
        if (body.success && cell) cell.textContent = "just now";
        next();
      });
    }
    next();
  });
})();
