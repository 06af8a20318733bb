// The dashboard: Cancel (after a confirmation) on open orders, and live figures: watchlist
// prices from the quote stream, the rest re-read from the server when a held price moves or
// the account changes.
(function () {
  var F = window.PaperDeskFormat, Live = window.PaperDeskLive;
  var LIVE_PARTS = ["desk-summary", "desk-next-step", "desk-positions-card", "desk-orders-card", "desk-fills-card"];

  function say(tone, text) {
    var box = document.getElementById("desk-orders-message");
    if (!box) return;
    box.innerHTML = "";
    if (!text) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + tone + " py-2 small m-2";
    alert.textContent = text;
    box.appendChild(alert);
  }

  document.addEventListener("click", function (event) {
      var button = event.target.closest("#desk-orders .js-cancel");
      if (!button) return;
      var row = button.closest("tr");
      if (!window.confirm("Cancel order #" + row.dataset.orderId + "?")) return;
      button.disabled = true;
      PaperDesk.postJSON(button.dataset.url, {}).then(function (data) {
        if (data.success) {
          row.remove();
          say("success", data.message);
        } else {
          say("danger", data.error);
          button.disabled = false;
        }
      }, function () {
        button.disabled = false;
        say("danger", "PaperDesk could not be reached. Try again.");
      });
  });

  function showWatch(q) {
    var row = document.querySelector('#desk-watchlist [data-ticker="' + q.ticker + '"]');
    if (!row) return;
    row.querySelector('[data-col="price"]').textContent = F.price(q.price);
    var change = row.querySelector('[data-col="change_percent"]');
    change.textContent = F.percent(q.change_percent);
    change.className = "d-block small " + F.tone(q.change);
  }

  var source = null, followed = "";
  function held() { return Live.tickersIn("#desk-positions [data-ticker]"); }
  function watched() { return Live.tickersIn("#desk-watchlist [data-ticker]"); }

  // (Re)open the stream when the set of tickers changes (a first buy, a last sale).
  function followTickers() {
    var tickers = held().concat(watched().filter(function (t) { return held().indexOf(t) < 0; }));
    if (source && tickers.join(",") === followed) return;
    if (source) source.close();
    followed = tickers.join(",");
    source = Live.follow({
      tickers: tickers,
      onQuote: function (q) {
        showWatch(q);
        if (held().indexOf(q.ticker) >= 0) refresh.throttled();
      },
      onAccount: function () { refresh(); },
    });
  }

  var refresh = Live.refresher(LIVE_PARTS, followTickers);
  followTickers();
})();
