// Fill the order ticket from the address (?side=&quantity=&kind=&price=), as the assistant's
// proposed-order card links to it. Nothing is sent: the user still quotes and confirms.
(function () {
  var ticket = document.getElementById("ticket");
  if (!ticket) return;
  var q = new URLSearchParams(window.location.search);
  if (!q.has("side") && !q.has("quantity")) return;
  function $(id) { return document.getElementById(id); }
  var side = q.get("side") === "sell" ? "sell" : "buy";
  $("ticket-side-" + side).click();
  var kind = q.get("kind");
  if (kind === "market" || kind === "limit") {
    $("ticket-kind").value = kind;
    $("ticket-kind").dispatchEvent(new Event("change"));
  }
  var quantity = q.get("quantity");
  if (/^\d{1,7}$/.test(quantity || "")) $("ticket-quantity").value = quantity;
  var price = q.get("price");
  if (kind === "limit" && /^\d+(\.\d{1,4})?$/.test(price || "")) $("ticket-price").value = price;
  var note = document.createElement("div");
  note.className = "alert alert-info small py-2 mb-0";
  note.id = "ticket-prefilled";
  note.textContent = "Filled in from the assistant's proposal. Review it, then get a quote and confirm it yourself.";
  $("ticket-message").appendChild(note);
})();
