// The order ticket on the stock page. Market orders are quote-then-commit: the server holds
// a price for a short time and a confirmation in time fills at exactly that price. Resting
// orders (limit, stop, stop limit, trailing stop) go straight to create_order.
(function () {
  var ticket = document.getElementById("ticket");
  if (!ticket) return;

  function $(id) { return document.getElementById(id); }
  var ticker = ticket.dataset.ticker;
  var holdSeconds = parseInt(ticket.dataset.holdSeconds, 10) || 60;
  var form = $("ticket-form");
  var kind = $("ticket-kind");
  var tif = $("ticket-tif");
  var state = { side: "buy", size: "shares", hold: null, deadline: 0, timer: null, busy: false };

  // ---- formatting: money is handled in integer cents and price ticks (1/10000) ----

  function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function centsText(cents) {
    var abs = Math.abs(cents);
    return (cents < 0 ? "-" : "") + "$" + group(String(Math.floor(abs / 100))) + "." + ("0" + (abs % 100)).slice(-2);
  }

  // A held price shown in full (up to 4 decimals, at least 2): what you confirm is what you get.
  function priceText(price) {
    var parts = (+price).toFixed(4).replace(/(\.\d{2}\d*?)0+$/, "$1").split(".");
    return "$" + group(parts[0]) + "." + parts[1];
  }

  // Shares and cash of a quote, as the server worked them out for the commit.
  function estimate(hold) {
    return { shares: hold.shares, total: Math.round(parseFloat(hold.total) * 100) };
  }

  // ---- messages ----

  function say(tone, text, links) {
    var box = $("ticket-message");
    box.innerHTML = "";
    if (!text) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + tone + " small py-2 mb-0";
    alert.textContent = text;
    (links || []).forEach(function (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.id = link.id;
      a.className = "alert-link ms-1";
      a.textContent = link.text;
      alert.appendChild(document.createTextNode(" "));
      alert.appendChild(a);
    });
    box.appendChild(alert);
  }

  var FIELD_INPUTS = {
    quantity: "ticket-quantity", amount: "ticket-amount", price: "ticket-price",
    stop_price: "ticket-stop", trail_percent: "ticket-trail", trail_amount: "ticket-trail",
    time_in_force: "ticket-tif",
  };

  function markInvalid(field) {
    if (field === "quantity" && state.size === "dollars") field = "amount";
    var input = FIELD_INPUTS[field] && $(FIELD_INPUTS[field]);
    if (input) input.classList.add("is-invalid");
  }

  function clearInvalid() {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
  }

  // The API names the field at fault ("price: ..."); the field is outlined, so drop the prefix.
  function showError(body) {
    var text = body.error || "Something went wrong.";
    if (body.field && text.indexOf(body.field + ": ") === 0) {
      text = text.slice(body.field.length + 2);
      text = text.charAt(0).toUpperCase() + text.slice(1);
    }
    say("danger", text);
    if (body.field) markInvalid(body.field);
  }

  // ---- the form's shape follows the side, the order type and the size mode ----

  var HINTS = {
    market: "The price is held for " + holdSeconds + " s; confirm in time and you fill at exactly that price.",
    limit_buy: "Buys at the limit price or lower.",
    limit_sell: "Sells at the limit price or higher.",
    stop_buy: "Becomes a market buy when the price rises to the stop.",
    stop_sell: "Becomes a market sell when the price falls to the stop.",
    stop_limit_buy: "When the price rises to the stop, becomes a limit buy at the limit price.",
    stop_limit_sell: "When the price falls to the stop, becomes a limit sell at the limit price.",
    trailing_stop_buy: "The stop follows the lowest price up by the trail; buys when the price rises back to it.",
    trailing_stop_sell: "The stop follows the highest price down by the trail; sells when the price falls back to it.",
  };

  function dollarsAllowed() {
    return kind.value === "market" || (kind.value === "limit" && state.side === "buy");
  }

  function press(button, on, onClass, offClass) {
    button.classList.toggle(onClass, on);
    if (offClass) button.classList.toggle(offClass, !on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function layout() {
    var k = kind.value;
    press($("ticket-side-buy"), state.side === "buy", "btn-success", "btn-outline-success");
    press($("ticket-side-sell"), state.side === "sell", "btn-danger", "btn-outline-danger");
    if (!dollarsAllowed()) state.size = "shares";
    $("ticket-size-dollars").disabled = !dollarsAllowed();
    press($("ticket-size-shares"), state.size === "shares", "active");
    press($("ticket-size-dollars"), state.size === "dollars", "active");
    $("ticket-quantity-group").classList.toggle("d-none", state.size !== "shares");
    $("ticket-amount-group").classList.toggle("d-none", state.size !== "dollars");
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.classList.toggle("d-none", el.dataset.kinds.split(" ").indexOf(k) < 0);
    });
    // Immediate-or-cancel and fill-or-kill only make sense for orders that can fill at once.
    ["ioc", "fok"].forEach(function (value) {
      tif.querySelector('option[value="' + value + '"]').disabled = k !== "limit";
    });
    if (tif.selectedOptions[0].disabled) tif.value = "day";
    $("ticket-quote").classList.toggle("d-none", k !== "market");
    $("ticket-place").classList.toggle("d-none", k === "market");
    $("ticket-place").textContent = "Place " + state.side + " order";
    $("ticket-hint").textContent = HINTS[k === "market" ? k : k + "_" + state.side];
  }

  // ---- the request body ----

  function size() {
    if (state.size === "dollars") {
      var amount = $("ticket-amount").value.trim();
      if (!amount) throw { error: "Enter a dollar amount.", field: "amount" };
      return { amount: amount };
    }
    var raw = $("ticket-quantity").value.trim();
    if (!/^\d+$/.test(raw) || +raw < 1) throw { error: "Enter a whole number of shares.", field: "quantity" };
    return { quantity: parseInt(raw, 10) };
  }

  function orderBody() {
    var body = size();
    var k = kind.value;
    body.ticker = ticker;
    body.order_type = state.side;
    body.execution_type = k;
    body.time_in_force = tif.value;
    if (k === "limit" || k === "stop_limit") body.price = $("ticket-price").value.trim() || null;
    if (k === "stop" || k === "stop_limit") body.stop_price = $("ticket-stop").value.trim() || null;
    if (k === "trailing_stop") body["trail_" + $("ticket-trail-unit").value] = $("ticket-trail").value.trim() || null;
    return body;
  }

  // ---- quote-then-commit ----

  function busy(on) {
    state.busy = on;
    ["ticket-quote", "ticket-place", "ticket-cancel"].forEach(function (id) { $(id).disabled = on; });
    $("ticket-confirm").disabled = on || !state.hold;
  }

  function getQuote() {
    var body = size();
    body.ticker = ticker;
    body.order_type = state.side;
    dropHold(true);
    var started = Date.now();
    busy(true);
    $("ticket-quote").textContent = "Quoting…";
    PaperDesk.postJSON("/user/api/quote_hold", body).then(function (data) {
      busy(false);
      $("ticket-quote").textContent = "Get quote";
      if (!data.success) { showError(data); return; }
      say("", "");
      showHold(data.hold, started);
    }, networkError);
  }

  function showHold(hold, started) {
    var est = estimate(hold);
    state.hold = hold;
    // Counted from before the request was sent, so the page never outlives the server's hold.
    holdSeconds = hold.hold_seconds || holdSeconds;
    state.deadline = started + holdSeconds * 1000;
    $("ticket-held-price").textContent = priceText(hold.price);
    $("ticket-held-shares").textContent = est.shares + (hold.quantity ? "" : " (estimated)");
    $("ticket-estimate-label").textContent = hold.order_type === "buy" ? "Estimated cost" : "Estimated proceeds";
    $("ticket-estimate").textContent = centsText(est.total);
    $("ticket-held-source").textContent = hold.source;
    var confirm = $("ticket-confirm");
    confirm.textContent = "Confirm " + hold.order_type + " at " + priceText(hold.price);
    confirm.className = "btn " + (hold.order_type === "buy" ? "btn-success" : "btn-danger");
    confirm.disabled = false;
    $("ticket-cancel").textContent = "Cancel";
    $("ticket-held").classList.remove("d-none");
    countdown();
    state.timer = setInterval(countdown, 250);
  }

  function countdown() {
    var left = Math.max(0, state.deadline - Date.now());
    $("ticket-countdown").textContent = Math.ceil(left / 1000);
    var bar = $("ticket-countdown-bar");
    bar.style.width = (100 * left / (holdSeconds * 1000)) + "%";
    bar.classList.toggle("bg-warning", left < 10000);
    bar.parentNode.setAttribute("aria-valuenow", Math.ceil(left / 1000));
    if (left <= 0) expire();
  }

  function expire() {
    stopTimer();
    state.hold = null;
    $("ticket-confirm").disabled = true;
    $("ticket-confirm").className = "btn btn-secondary";
    $("ticket-confirm").textContent = "Quote expired";
    $("ticket-cancel").textContent = "Close";
    $("ticket-quote").textContent = "Get a new quote";
    say("warning", "This quote has expired. Get a new quote to trade at the current price.");
  }

  function stopTimer() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  function hideHold() {
    stopTimer();
    state.hold = null;
    $("ticket-held").classList.add("d-none");
  }

  // Release a held quote; quietly when the order changed under it.
  function dropHold(quiet) {
    var hold = state.hold;
    hideHold();
    if (!hold) return;
    PaperDesk.postJSON("/user/api/quote_hold/cancel", { hold_id: hold.hold_id }).then(function (data) {
      if (!quiet) say(data.success ? "secondary" : "danger", data.success ? data.message : data.error);
    }, function () {});
  }

  function commit() {
    var hold = state.hold;
    if (!hold) return;
    busy(true);
    PaperDesk.postJSON("/user/api/quote_hold/commit", { hold_id: hold.hold_id }).then(function (data) {
      busy(false);
      if (!data.success) {
        if (/expired/i.test(data.error || "")) { expire(); say("warning", data.error); return; }
        showError(data);
        return;
      }
      hideHold();
      $("ticket-quote").textContent = "Get quote";
      placed(data);
    }, networkError);
  }

  // ---- resting orders ----

  function place() {
    var body = orderBody();
    busy(true);
    PaperDesk.postJSON("/user/api/create_order", body).then(function (data) {
      busy(false);
      if (!data.success) { showError(data); return; }
      placed(data);
    }, networkError);
  }

  function placed(data) {
    var status = data.order.status;
    var links = [];
    if (data.order.filled_quantity > 0) links.push({ href: ticket.dataset.portfolioUrl, id: "ticket-portfolio-link", text: "View portfolio" });
    if (status === "pending" || status === "partially_filled") links.push({ href: ticket.dataset.ordersUrl, id: "ticket-orders-link", text: "View orders" });
    var tone = status === "filled" ? "success" : status === "rejected" || status === "cancelled" ? "warning" : "info";
    say(tone, data.message, links);
    refreshHolding();
  }

  function networkError() {
    busy(false);
    $("ticket-quote").textContent = "Get quote";
    say("danger", "PaperDesk could not be reached. Check your connection and try again.");
  }

  // ---- what the user has to trade with ----

  function refreshHolding() {
    fetch("/user/api/portfolio", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.success) return;
        var held = data.positions.filter(function (p) { return p.ticker === ticker; })[0];
        var cash = Math.round(parseFloat(data.summary.available) * 100);
        $("ticket-holding").textContent =
          centsText(cash) + " available · " + (held ? held.quantity : 0) + " " + ticker + " held";
      }, function () {});
  }

  // ---- wiring ----

  function changed() {
    clearInvalid();
    if (state.hold) {
      dropHold(true);
      say("secondary", "The order changed, so the held quote was released.");
    } else {
      // An old error would otherwise stay on screen for an order the user has since changed.
      say("", "");
    }
  }

  ["ticket-side-buy", "ticket-side-sell"].forEach(function (id) {
    $(id).addEventListener("click", function () {
      state.side = $(id).dataset.side;
      layout();
      changed();
    });
  });
  ["ticket-size-shares", "ticket-size-dollars"].forEach(function (id) {
    $(id).addEventListener("click", function () {
      state.size = $(id).dataset.size;
      layout();
      changed();
    });
  });
  kind.addEventListener("change", function () { layout(); changed(); });
  form.addEventListener("input", changed);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (state.busy) return;
    clearInvalid();
    try {
      if (kind.value === "market") getQuote();
      else place();
    } catch (problem) {
      showError(problem);
    }
  });
  $("ticket-confirm").addEventListener("click", commit);
  $("ticket-cancel").addEventListener("click", function () {
    if (state.hold) dropHold(false);
    else { hideHold(); say("", ""); }
    $("ticket-quote").textContent = "Get quote";
  });

  layout();
  refreshHolding();
})();
