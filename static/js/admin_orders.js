// Execute or reject orders in place, through the JSON endpoints (the forms still work without JS).
(function () {
  var COLOURS = { pending: "warning", partially_filled: "info", filled: "success", rejected: "danger" };

  var price = window.PaperDeskFormat.price;
  var WORDS = {
    pending: "Working", partially_filled: "Partly filled", filled: "Filled",
    cancelled: "Cancelled", rejected: "Rejected", expired: "Expired",
  };

  function badge(status) {
    var span = document.createElement("span");
    span.className = "badge text-bg-" + (COLOURS[status] || "secondary");
    span.setAttribute("data-status", status);
    span.textContent = WORDS[status] || status;
    return span;
  }

  function show(row, order, message) {
    row.querySelector(".status-cell").replaceChildren(badge(order.status));
    row.querySelector(".fill-cell").textContent = price(order.average_fill_price);
    row.querySelector(".remark-cell").textContent = order.remark || "";
    var qty = row.querySelector(".qty-cell");
    qty.firstChild.textContent = order.filled_quantity + " / " + order.quantity;
    var note = document.createElement("span");
    note.className = "small";
    note.textContent = message;
    row.querySelector(".action-cell").replaceChildren(note);
  }

  function refuse(row, message) {
    var cell = row.querySelector(".action-cell");
    var old = cell.querySelector(".js-error");
    if (old) old.remove();
    var alert = document.createElement("div");
    alert.className = "text-danger small js-error";
    alert.textContent = message;
    cell.appendChild(alert);
  }

  document.querySelectorAll("form.js-order-action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var row = form.closest("tr");
      var reason = form.querySelector('input[name="reason"]');
      var buttons = row.querySelectorAll(".action-cell button");
      buttons.forEach(function (b) { b.disabled = true; });
      PaperDesk.postJSON(form.action, reason ? { reason: reason.value } : {})
        .then(function (data) {
          if (data.success) {
            show(row, data.order, data.message);
            return;
          }
          buttons.forEach(function (b) { b.disabled = false; });
          refuse(row, data.error || "The request failed.");
          if (data.httpStatus === 409 || data.httpStatus === 404) {
            buttons.forEach(function (b) { b.disabled = true; });
          }
        })
        .catch(function () {
          buttons.forEach(function (b) { b.disabled = false; });
          refuse(row, "The server could not be reached; try again.");
        });
    });
  });
})();
