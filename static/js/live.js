// Live pages over the page's stream (stream.js): quotes for the page's tickers, and "account" events
// when an order fills, is cancelled or expires, or cash moves. A page names the parts it
// re-reads from the server (by id) so every figure stays the server's exact one.
window.PaperDeskLive = (function () {
  // Swap the named elements for fresh copies of this page from the server. The returned
  // function refreshes soon; its ``.throttled()`` at most once per PRICE_REFRESH_MS, for
  // price moves (an account change should show at once, a price tick can wait).
  var PRICE_REFRESH_MS = 3000;
  function refresher(ids, after) {
    var busy = false, again = false, timer = null, last = 0;
    function run() {
      if (busy) { again = true; return; }
      busy = true;
      last = Date.now();
      fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          ids.forEach(function (id) {
            var old = document.getElementById(id), now = fresh.getElementById(id);
            if (old && now) old.replaceWith(now);
            else if (old && !now) old.remove();
          });
          document.documentElement.dataset.liveRefreshes = (+document.documentElement.dataset.liveRefreshes || 0) + 1;
          if (after) after();
        })
        .finally(function () {
          busy = false;
          if (again) { again = false; schedule(); }
        });
    }
    var due = 0;
    function schedule(delay) {
      var at = Date.now() + (delay === undefined ? 400 : delay);
      if (timer && due <= at) return;  // already coming sooner
      if (timer) clearTimeout(timer);
      due = at;
      timer = setTimeout(function () { timer = null; run(); }, at - Date.now());
    }
    var refresh = function () { schedule(); };
    refresh.throttled = function () { schedule(Math.max(400, last + PRICE_REFRESH_MS - Date.now())); };
    return refresh;
  }

  // Follow ``tickers`` (quote events to onQuote) and the account (to onAccount), on the
  // page's one stream (PaperDeskStream). A later call replaces the tickers and callbacks.
  var current = {}, bound = false;
  function follow(options) {
    var S = window.PaperDeskStream;
    current = options;
    if (!bound) {
      bound = true;
      S.on("quote", function (event) { if (current.onQuote) current.onQuote(JSON.parse(event.data)); });
      S.on("account", function () { if (current.onAccount) current.onAccount(); });
    }
    S.want({ tickers: options.tickers || [], account: true });
    return { close: function () {} };  // the stream is the page's; follow again to change it
  }

  function tickersIn(selector) {
    var seen = {};
    document.querySelectorAll(selector).forEach(function (el) { seen[el.dataset.ticker] = true; });
    return Object.keys(seen);
  }

  return { follow: follow, refresher: refresher, tickersIn: tickersIn };
})();
