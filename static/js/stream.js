// The page's one Server-Sent Events stream. Page scripts say what they follow
// (PaperDeskStream.want: tickers, the account, the bell's notifications) and listen for
// named events (PaperDeskStream.on: "quote", "account", "unread", "notification", "fill",
// "busy", "signed-out"); once the page has loaded, a single EventSource on /stream/quotes carries them
// all, so a tab holds one of its owner's stream slots whatever it shows.
window.PaperDeskStream = (function () {
  var MAX_TICKERS = 20;
  var handlers = {}, tickers = [], account = false, notify = false;
  var source = null, scheduled = false, opens = 0;

  function url() {
    var params = [];
    if (tickers.length) params.push("tickers=" + tickers.map(encodeURIComponent).join(","));
    if (account) params.push("account=1");
    if (notify) params.push("notify=1");
    return "/stream/quotes?" + params.join("&");
  }

  function open() {
    scheduled = false;
    if (source) source.close();
    source = null;
    if (!tickers.length && !account && !notify) return;
    source = new EventSource(url());
    source.addEventListener("busy", function () { document.documentElement.dataset.streamBusy = "1"; });
    // Signed out (here or elsewhere): the stream has ended; do not reconnect with it.
    source.addEventListener("signed-out", function (event) {
      event.target.close();
      document.documentElement.dataset.streamSignedOut = "1";
    });
    Object.keys(handlers).forEach(function (name) {
      handlers[name].forEach(function (fn) { source.addEventListener(name, fn); });
    });
    opens += 1;
    document.documentElement.dataset.streamOpens = String(opens);
  }

  // Open once the page's scripts have all said what they want (or at once, later on).
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", open);
    else setTimeout(open, 0);
  }

  function on(name, fn) {
    (handlers[name] = handlers[name] || []).push(fn);
    if (source) source.addEventListener(name, fn);
  }

  // Follow ``options.tickers`` (replacing the page's earlier list), and the account or the
  // bell when asked; the stream is reopened only when that changes what it carries.
  function want(options) {
    var next = tickers;
    if (options.tickers) {
      var seen = {};
      options.tickers.forEach(function (t) { seen[t] = true; });
      next = Object.keys(seen).sort().slice(0, MAX_TICKERS);
    }
    var changed = next.join(",") !== tickers.join(",") || (options.account && !account) || (options.notify && !notify);
    tickers = next;
    account = account || !!options.account;
    notify = notify || !!options.notify;
    if (changed || (!source && !scheduled)) schedule();
  }

  return { on: on, want: want };
})();
