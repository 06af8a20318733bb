// Live pages over the quote stream: quotes for the page's tickers, and "account" events
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

  // Follow ``tickers`` (quote events to onQuote) and the account (to onAccount).
  function follow(options) {
    var tickers = (options.tickers || []).slice(0, 20);
    var params = ["account=1"];
    if (tickers.length) params.push("tickers=" + tickers.map(encodeURIComponent).join(","));
    var source = new EventSource("/stream/quotes?" + params.join("&"));
    if (options.onQuote) {
      source.addEventListener("quote", function (event) { options.onQuote(JSON.parse(event.data)); });
    }
    if (options.onAccount) source.addEventListener("account", function () { options.onAccount(); });
    return source;
  }

  function tickersIn(selector) {
    var seen = {};
    document.querySelectorAll(selector).forEach(function (el) { seen[el.dataset.ticker] = true; });
    return Object.keys(seen);
  }

  return { follow: follow, refresher: refresher, tickersIn: tickersIn };
})();
