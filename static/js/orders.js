// Orders and trades tables loaded from the JSON API: filters, pages, CSV links that carry the
// filters, and Cancel on open orders. The account page reuses the trades table (#trade-history).
(function () {
  function $(id) { return document.getElementById(id); }

  // ---- formatting (static/js/format.js) ----

  var F = window.PaperDeskFormat;
  var money = F.money, price = F.price, when = F.when;
  var STATUS_WORDS = {
    pending: "Working", partially_filled: "Partly filled", filled: "Filled",
    cancelled: "Cancelled", rejected: "Rejected", expired: "Expired",
  };

  function words(value) { return value.replace(/_/g, " "); }

  var BADGES = {
    pending: "warning", partially_filled: "info", filled: "success",
    cancelled: "secondary", rejected: "danger", expired: "secondary",
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function td(row, text, className) { return row.appendChild(el("td", className, text)); }

  // "2026-03-02" over "09:30 EST": the date and the time with its zone on two short lines.
  function timeCell(row, iso) {
    var text = when(iso), cut = text.indexOf(" ");
    var cell = td(row, text.slice(0, cut), "small text-nowrap");
    cell.appendChild(el("div", "text-body-secondary", text.slice(cut + 1)));
    return cell;
  }

  function sideCell(row, side) { td(row, side, side === "buy" ? "text-success" : "text-danger"); }

  function tickerCell(row, ticker) {
    var cell = td(row);
    var link = el("a", "fw-semibold", ticker);
    link.href = "/user/stock_chart?ticker=" + encodeURIComponent(ticker);
    cell.appendChild(link);
  }

  function tone(value) { return +value > 0 ? "text-success" : +value < 0 ? "text-danger" : ""; }

  // ---- query strings from the filter form ----

  var filterForm = $("orders-filter");

  function filters() {
    if (!filterForm) return {};
    return {
      status: filterForm.elements.status.value,
      ticker: filterForm.elements.ticker.value.trim().toUpperCase(),
      type: filterForm.elements.type.value,
    };
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      if (params[key] !== "" && params[key] !== undefined) parts.push(key + "=" + encodeURIComponent(params[key]));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json();
    });
  }

  function say(tone, text) {
    var box = $("orders-message");
    if (!box) return;
    box.innerHTML = "";
    if (text) box.appendChild(el("div", "alert alert-" + tone + " py-2 small", text));
  }

  // "No trades yet." for an empty list, "No trades match." when a filter emptied it.
  function emptyText(noun) {
    return function (params) {
      var filtered = params.status || params.ticker || params.type;
      return "No " + noun + (filtered ? " match." : " yet.");
    };
  }

  // ---- a paged table over one list endpoint ----

  function PagedTable(options) {
    this.table = options.table;
    this.key = options.key;
    this.columns = this.table.querySelectorAll("thead th").length;
    this.params = options.params;
    this.render = options.render;
    this.limit = options.limit;
    this.empty = options.empty;
    this.pager = options.pager;
    this.count = options.count;
    this.csv = options.csv;
    this.page = 1;
  }

  PagedTable.prototype.load = function (page) {
    var self = this;
    var params = this.params();
    if (this.csv) this.csv.href = this.csv.dataset.base + query(params);
    params.page = page || this.page;
    params.limit = this.limit;
    return getJSON(this.table.dataset.url + query(params)).then(function (data) {
      var body = self.table.tBodies[0];
      body.innerHTML = "";
      if (!data.success) {
        td(body.insertRow(), data.error, "text-danger").colSpan = self.columns;
        return;
      }
      self.page = data.pagination.page;
      data[self.key].forEach(function (item) { body.appendChild(self.render(item)); });
      if (!data[self.key].length) td(body.insertRow(), self.empty(params), "text-body-secondary").colSpan = self.columns;
      if (self.count) self.count.textContent = data.pagination.total;
      if (self.pager) self.showPager(data.pagination);
    });
  };

  PagedTable.prototype.showPager = function (p) {
    var self = this;
    this.pager.innerHTML = "";
    this.pager.classList.toggle("d-none", p.pages <= 1);
    var nav = el("nav", "d-flex align-items-center gap-2 small");
    nav.setAttribute("aria-label", "Pages");
    function button(label, page, disabled) {
      var b = el("button", "btn btn-sm btn-outline-secondary", label);
      b.type = "button";
      b.disabled = disabled;
      b.addEventListener("click", function () { self.load(page); });
      nav.appendChild(b);
    }
    button("‹ Newer", p.page - 1, p.page <= 1);
    nav.appendChild(el("span", "text-body-secondary", "Page " + p.page + " of " + Math.max(p.pages, 1)));
    button("Older ›", p.page + 1, p.page >= p.pages);
    this.pager.appendChild(nav);
  };

  // ---- rows ----

  var KINDS = { market: "Market", limit: "Limit", stop: "Stop", stop_limit: "Stop limit", trailing_stop: "Trailing stop" };

  // The same words as utils/order_labels.py: "stop $95.00, limit $94.50", "trail 3%".
  function orderPrice(o) {
    var parts = [];
    if (o.stop_price && o.price) parts.push("stop " + price(o.stop_price) + ", limit " + price(o.price));
    else if (o.price) parts.push(price(o.price));
    else if (o.stop_price) parts.push("stop " + price(o.stop_price));
    if (o.trail_percent) parts.push("trail " + +o.trail_percent + "%");
    if (o.trail_amount) parts.push("trail " + price(o.trail_amount));
    return parts.join(", ") || "at market";
  }

  // An order an administrator executed or rejected says so.
  function decisionNote(o) {
    if (o.decided_by !== "admin") return o.remark || "";
    if (o.status === "rejected") return "Rejected by an administrator" + (o.remark ? ": " + o.remark : ".");
    return "Executed by an administrator" + (o.average_fill_price ? " at " + price(o.average_fill_price) : "") + ".";
  }

  function orderRow(o) {
    var row = el("tr");
    row.dataset.orderId = o.order_id;
    td(row, o.order_id);
    timeCell(row, o.created_at);
    tickerCell(row, o.ticker);
    sideCell(row, o.order_type);
    var type = KINDS[o.execution_type] || words(o.execution_type);
    td(row, o.execution_type === "market" ? type : type + " · " + o.time_in_force.toUpperCase(), "text-nowrap");
    td(row, o.quantity ? F.shares(o.quantity) : money(o.amount), "text-end text-nowrap");
    td(row, orderPrice(o), "text-end text-nowrap");
    var filled = td(row, o.filled_quantity ? F.number(o.filled_quantity) + " @ " + price(o.average_fill_price) : "0", "text-end text-nowrap");
    if (+o.commission) filled.appendChild(el("div", "small text-body-secondary", money(o.commission) + " commission"));
    var status = td(row, null, "order-status");
    // a market order placed while the exchange is closed waits for the open
    var waiting = o.execution_type === "market" && o.status === "pending";
    var label = waiting ? "Waiting for the open" : STATUS_WORDS[o.status] || words(o.status);
    var badge = el("span", "badge text-bg-" + (BADGES[o.status] || "secondary"), label);
    badge.dataset.status = o.status;
    status.appendChild(badge);
    var note = decisionNote(o);
    if (note) status.appendChild(el("div", "small text-body-secondary order-remark", note));
    var action = td(row, null, "text-end col-actions");
    if (o.status === "pending" || o.status === "partially_filled") {
      var cancel = el("button", "btn btn-sm btn-outline-danger js-cancel", "Cancel");
      cancel.type = "button";
      cancel.setAttribute("aria-label", "Cancel order " + o.order_id);
      action.appendChild(cancel);
    }
    return row;
  }

  function fillRow(t) {
    var row = el("tr");
    row.dataset.transactionId = t.transaction_id;
    td(row, t.transaction_id);
    timeCell(row, t.time);
    tickerCell(row, t.ticker);
    sideCell(row, t.type);
    td(row, F.number(t.quantity), "text-end");
    td(row, price(t.price), "text-end");
    td(row, money(t.amount), "text-end");
    td(row, money(t.commission), "text-end");
    td(row, t.type === "sell" ? money(t.realized_pnl, true) : "", "text-end " + (t.type === "sell" ? tone(t.realized_pnl) : ""));
    td(row, "#" + t.order_id, "text-end text-body-secondary");
    return row;
  }

  // ---- the orders page ----

  var orders = $("orders-table") && new PagedTable({
    table: $("orders-table"), key: "orders", limit: 20, render: orderRow, empty: emptyText("orders"),
    params: filters, pager: $("orders-pager"), count: $("orders-count"), csv: $("orders-csv"),
  });

  var fillsTable = $("fills-table") || $("trade-history");
  var fills = fillsTable && new PagedTable({
    table: fillsTable, key: "transactions", limit: +fillsTable.dataset.limit || 20, render: fillRow,
    empty: emptyText("trades"), pager: $("fills-pager"), count: $("fills-count"), csv: $("fills-csv"),
    params: function () {
      var f = filters();
      return { ticker: f.ticker, type: f.type };
    },
  });

  if (orders) {
    orders.table.addEventListener("click", function (event) {
      var button = event.target.closest(".js-cancel");
      if (!button) return;
      var row = button.closest("tr");
      if (!window.confirm("Cancel order #" + row.dataset.orderId + "?")) return;
      button.disabled = true;
      PaperDesk.postJSON("/user/orders/" + row.dataset.orderId + "/cancel", {}).then(function (data) {
        if (data.success) {
          row.parentNode.replaceChild(orderRow(data.order), row);
          say("success", data.message);
        } else {
          say("danger", data.error);
          orders.load();  // the order moved on (filled, expired): show where it is now
          if (fills) fills.load();
        }
      }, function () {
        button.disabled = false;
        say("danger", "PaperDesk could not be reached. Try again.");
      });
    });
  }

  if (filterForm) {
    var initial = new URLSearchParams(location.search);
    ["status", "ticker", "type"].forEach(function (name) {
      if (initial.get(name)) filterForm.elements[name].value = initial.get(name);
    });
    filterForm.addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", location.pathname + query(filters()));
      say("", "");
      if (orders) orders.load(1);
      if (fills) fills.load(1);
    });
    filterForm.addEventListener("reset", function () {
      setTimeout(function () { filterForm.requestSubmit(); }, 0);
    });
  }

  if (orders) orders.load(1);
  if (fills) fills.load(1);

  // Live: an order that fills, expires or is cancelled elsewhere shows its new state here.
  if (orders && window.PaperDeskLive) {
    window.PaperDeskLive.follow({
      onAccount: function () {
        orders.load().then(function () {
          document.documentElement.dataset.liveRefreshes = (+document.documentElement.dataset.liveRefreshes || 0) + 1;
        });
        if (fills) fills.load();
      },
    });
  }
})();
