// How PaperDesk writes figures in the browser; the same rules as utils/formatting.py.
window.PaperDeskFormat = (function () {
  function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function blank(v) { return v === null || v === undefined || v === ""; }
  function sign(n, signed) { return n < 0 ? "-" : signed && n > 0 ? "+" : ""; }

  // Cash: "$1,234.56"; signed: "+$1.00".
  function money(value, signed) {
    if (blank(value)) return "";
    var n = +value, parts = Math.abs(n).toFixed(2).split(".");
    return sign(+n.toFixed(2), signed) + "$" + group(parts[0]) + "." + parts[1];
  }

  // Prices: to the cent when whole cents, else up to four decimals.
  function price(value, signed) {
    if (blank(value)) return "";
    var n = +value, parts = Math.abs(n).toFixed(4).replace(/(\.\d{2}\d*?)0+$/, "$1").split(".");
    return sign(n, signed) + "$" + group(parts[0]) + "." + parts[1];
  }

  function percent(value, signed) {
    if (blank(value)) return "";
    var n = +value;
    return sign(+n.toFixed(2), signed !== false) + group(Math.abs(n).toFixed(2).split(".")[0]) + "." + Math.abs(n).toFixed(2).split(".")[1] + "%";
  }

  function shares(count) {
    if (blank(count)) return "";
    return group(String(Math.abs(+count))).replace(/^/, +count < 0 ? "-" : "") + (Math.abs(+count) === 1 ? " share" : " shares");
  }

  function number(value) { return blank(value) ? "" : (+value < 0 ? "-" : "") + group(String(Math.abs(Math.round(+value)))); }

  function zone() {
    var meta = document.querySelector('meta[name="time-zone"]');
    return (meta && meta.content) || "UTC";
  }

  // An ISO 8601 UTC time shown in the viewer's zone, with the zone: "2026-03-02 09:30 EST".
  function when(iso, seconds) {
    if (!iso) return "";
    var date = new Date(iso), tz = zone();
    var opts = { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
    if (seconds) opts.second = "2-digit";
    var p = {};
    new Intl.DateTimeFormat("en-US", opts).formatToParts(date).forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + (seconds ? ":" + p.second : "") + " " + p.timeZoneName;
  }

  // A clock time in the viewer's zone, for chart axes: "09:30:05", with the zone: "09:30:05 EST".
  var clocks = {};
  function clock(ms, withZone) {
    var tz = zone(), key = tz + (withZone ? " z" : "");
    if (!clocks[key]) {
      var opts = { timeZone: tz, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
      if (withZone) opts.timeZoneName = "short";
      clocks[key] = new Intl.DateTimeFormat("en-US", opts);
    }
    var p = {};
    clocks[key].formatToParts(new Date(ms)).forEach(function (part) { p[part.type] = part.value; });
    return p.hour + ":" + p.minute + ":" + p.second + (withZone ? " " + p.timeZoneName : "");
  }

  function tone(value) { return +value > 0 ? "text-success" : +value < 0 ? "text-danger" : ""; }

  return { money: money, price: price, percent: percent, shares: shares, number: number, when: when, clock: clock, tone: tone, zone: zone };
})();
