// PaperDesk page helpers: the theme switch and JSON calls that carry the CSRF token.
(function () {
  var toggle = document.getElementById("theme-toggle");
  function label() {
    var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
    if (toggle) toggle.querySelector(".theme-label").textContent = dark ? "Light" : "Dark";
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-bs-theme", next);
      localStorage.setItem("paperdesk-theme", next);
      label();
    });
  }
  label();
})();

window.PaperDesk = {
  csrfToken: function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },
  postJSON: function (url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": window.PaperDesk.csrfToken(),
      },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (data) {
        data.httpStatus = response.status;
        return data;
      });
    });
  },
};
