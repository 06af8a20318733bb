// Applies the saved light/dark theme before the page paints.
(function () {
  var saved = localStorage.getItem("paperdesk-theme");
  var dark = saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
})();
