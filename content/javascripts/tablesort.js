// Click a table header to sort by that column (numbers by value, text by
// Chinese collation). Served from the site itself: no CDN.
(function () {
  function cellValue(row, i) {
    var text = (row.cells[i] && row.cells[i].textContent || "").trim();
    var num = parseFloat(text.replace(/[,，万元亿%]/g, ""));
    return { text: text, num: isNaN(num) ? null : num };
  }
  function sortBy(table, i, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i), d;
      if (x.num !== null && y.num !== null) d = x.num - y.num;
      else d = x.text.localeCompare(y.text, "zh");
      return asc ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  // Indicator tables keep the form's order (一级/二级 labels head their rows): never sorted.
  // A sortable header is a button for the keyboard too: Tab reaches it, Enter or Space sorts.
  function init() {
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      if (!table.tHead || table.tBodies[0].rows.length < 3 || table.closest(".bs-indicators")) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.style.cursor = "pointer";
        th.title = "点击排序";
        th.tabIndex = 0;
        th.setAttribute("role", "button");
        th.addEventListener("click", function () { sortBy(table, i, th); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, i, th); }
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
