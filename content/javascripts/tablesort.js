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

  // A table wider than its column scrolls inside its own box: that box is then a named
  // region that Tab reaches, so the keyboard can scroll it too (axe-core's
  // scrollable-region-focusable). Checked again when the window is resized.
  function label(wrap) {
    for (var node = wrap; node && node.tagName !== "ARTICLE"; node = node.parentElement) {
      for (var e = node.previousElementSibling; e; e = e.previousElementSibling) {
        if (/^H[1-6]$/.test(e.tagName)) return e.textContent.trim() + "（表格，可左右滚动）";
      }
    }
    return "表格（可左右滚动）";
  }
  function markScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && wrap.getAttribute("role") !== "region") {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (!scrolls && wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; markScrollers(); });
  });
  if (document.readyState === "complete") markScrollers();
  else window.addEventListener("load", markScrollers);
})();
