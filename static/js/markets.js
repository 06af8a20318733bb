// The markets table: filter by symbol/name and sector, sort by any column heading.
(function () {
  var table = document.getElementById("markets-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var query = document.getElementById("markets-q");
  var sector = document.getElementById("markets-sector");
  var count = document.getElementById("markets-count");
  var none = document.getElementById("markets-none");
  var sortKey = "ticker", ascending = true;

  function filter() {
    var q = query.value.trim().toLowerCase(), s = sector.value, shown = 0;
    rows.forEach(function (row) {
      var hit = (!q || row.dataset.ticker.toLowerCase().indexOf(q) >= 0 || row.dataset.name.toLowerCase().indexOf(q) >= 0) &&
        (!s || row.dataset.sector === s);
      row.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = shown;
    none.classList.toggle("d-none", shown > 0);
  }

  function sort(key, text) {
    ascending = key === sortKey ? !ascending : text;
    sortKey = key;
    rows.sort(function (a, b) {
      var x = a.dataset[key], y = b.dataset[key];
      var order = text ? x.localeCompare(y) : (x === "" ? -Infinity : +x) - (y === "" ? -Infinity : +y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll(".js-sort").forEach(function (b) {
      var th = b.closest("th");
      if (b.dataset.key === key) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  table.querySelectorAll(".js-sort").forEach(function (button) {
    button.addEventListener("click", function () { sort(button.dataset.key, button.dataset.type === "text"); });
  });
  document.getElementById("markets-filter").addEventListener("submit", function (event) {
    event.preventDefault();  // filtering happens as you type
    filter();
  });
  query.addEventListener("input", filter);
  sector.addEventListener("change", filter);
  if (query.value) filter();  // arriving with ?q= from a search
})();
