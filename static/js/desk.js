// The dashboard: Cancel (after a confirmation) on open orders.
(function () {
  var table = document.getElementById("desk-orders");
  var box = document.getElementById("desk-orders-message");

  function say(tone, text) {
    box.innerHTML = "";
    if (!text) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + tone + " py-2 small m-2";
    alert.textContent = text;
    box.appendChild(alert);
  }

  if (table) {
    table.addEventListener("click", function (event) {
      var button = event.target.closest(".js-cancel");
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
  }
})();
