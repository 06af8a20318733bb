// Approve or reject fund requests in place, through the JSON endpoints.
document.querySelectorAll("form.js-decide").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var row = form.closest("tr");
    var reason = form.querySelector('input[name="reason"]');
    var buttons = row.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    PaperDesk.postJSON(form.action, reason ? { reason: reason.value } : {}).then(function (data) {
      var cell = row.querySelector(".decision-cell");
      if (data.success) {
        row.querySelector(".status-cell").innerHTML =
          '<span class="badge text-bg-' + (data.data.status === "approved" ? "success" : "danger") +
          '" data-status="' + data.data.status + '">' + data.data.status + "</span>";
        cell.textContent = data.message;
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
        var alert = document.createElement("div");
        alert.className = "text-danger small";
        alert.textContent = data.error;
        cell.appendChild(alert);
      }
    });
  });
});
