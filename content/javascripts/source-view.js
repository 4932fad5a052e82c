// The source view (source/?doc=<copy>.txt&lines=10-20): our plain-text copy of a document,
// with line numbers and the table's lines highlighted. The text is fetched as text and
// shown with textContent only: nothing in a document can become markup or script.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/javascripts\/source-view\.js(\?.*)?$/, "");
  var CONTEXT = 30, MORE = 200;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // the lines to mark: ?lines=10-20 (links from project pages), or #L10-L20 / #L10
  function range(total) {
    var given = new URLSearchParams(location.search).get("lines");
    var m = given ? /^(\d+)(?:-(\d+))?$/.exec(given) : /^#L(\d+)(?:-L?(\d+))?$/.exec(location.hash || "");
    if (!m) return null;
    var a = Math.max(1, Math.min(total, Number(m[1]))), b = Math.max(a, Math.min(total, Number(m[2] || m[1])));
    return [a, b];
  }

  function show(root, status, lines, doc) {
    var mark = range(lines.length);
    var from = mark ? Math.max(1, mark[0] - CONTEXT) : 1;
    var to = mark ? Math.min(lines.length, mark[1] + CONTEXT) : Math.min(lines.length, MORE);
    var list = el("ol", { "class": "bs-source-lines", start: String(from) });
    var up = el("button", { type: "button", "class": "bs-more" }, "向上显示更多");
    var down = el("button", { type: "button", "class": "bs-more" }, "向下显示更多");
    function line(n) {
      var li = el("li", { id: "L" + n }, lines[n - 1] || " ");
      if (mark && n >= mark[0] && n <= mark[1]) li.className = "bs-hl";
      return li;
    }
    function render() {
      list.textContent = "";
      list.setAttribute("start", String(from));
      for (var n = from; n <= to; n++) list.appendChild(line(n));
      up.hidden = from <= 1;
      down.hidden = to >= lines.length;
    }
    up.addEventListener("click", function () { from = Math.max(1, from - MORE); render(); });
    down.addEventListener("click", function () { to = Math.min(lines.length, to + MORE); render(); });
    render();
    status.textContent = (mark ? "第 " + mark[0] + "–" + mark[1] + " 行（已标出），" : "") + "全文共 " + lines.length + " 行。";
    var full = el("a", { href: base + "sources/" + doc }, "下载全文（纯文本）");
    root.appendChild(el("p")).appendChild(full);
    root.appendChild(up);
    root.appendChild(list);
    root.appendChild(down);
    root.setAttribute("data-state", "done");
    if (mark) document.getElementById("L" + mark[0]).scrollIntoView({ block: "center" });
  }

  function init() {
    var root = document.getElementById("bs-source");
    if (!root) return;
    var status = document.getElementById("bs-source-status");
    var doc = new URLSearchParams(location.search).get("doc") || "";
    if (!/^[a-z0-9][a-z0-9-]*\.txt$/.test(doc)) {
      status.textContent = "请从项目页“来源”一节的链接打开原文。";
      root.setAttribute("data-state", "done");
      return;
    }
    fetch(base + "sources/" + doc).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (text) {
      show(root, status, text.replace(/^\ufeff/, "").split(/\r?\n/), doc);
    }).catch(function () {
      status.textContent = "原文载入失败，请稍后再试。";
      root.setAttribute("data-state", "error");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
