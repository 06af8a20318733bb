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

// The browser's time zone becomes the default for times on pages (until the profile sets one).
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) < 0) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* an old browser: times stay in UTC */ }
})();

// The navigation marks the page you are on (links may name more paths in data-nav-also).
(function () {
  var here = location.pathname, best = null, bestLength = 0;
  document.querySelectorAll("#nav .navbar-nav:first-child a.nav-link").forEach(function (link) {
    var own = link.getAttribute("href") === "#" ? [] : [new URL(link.href, location.href).pathname];
    var paths = own.concat((link.dataset.navAlso || "").split(" ").filter(Boolean));
    paths.forEach(function (path) {
      if ((here === path || here.indexOf(path + "/") === 0) && path.length > bestLength) { best = link; bestLength = path.length; }
    });
  });
  if (best) {
    best.classList.add("active");
    best.setAttribute("aria-current", "page");
  }
})();
