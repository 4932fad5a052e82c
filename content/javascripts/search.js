// Site search without a server or a CDN: a box in the header that answers as you type,
// and the 搜索 page (filters, sorting, paging, a CSV of what it lists).
//
// The query analysis is generator/search/analysis.py step for step (normalise, grams,
// chars, variants, coverage, suggestion), with the tables exported beside the index
// (fold.json, abbreviations.json); tests/test_search_browser.py checks that both agree.
// A query fetches meta.json and the two tables once, one gram shard (t/<n>.json) per
// distinct gram, the shards of the name characters ("~" terms) only when few documents
// hold the whole query, and the display chunks (d/<n>.json) of what it shows. Query,
// filters and sorting live in the URL, so a search can be shared as a link.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/javascripts\/search\.js(\?.*)?$/, "");
  var PAGE = 20; // results per page, and how many an answer is filled up to with partial matches
  var WHILE_TYPING = 8; // results in the header's dropdown
  var MIN_TYPED = 2; // characters typed before the dropdown answers
  var MAX_VARIANTS = 8, CHAR_WEIGHT = 0.5, MIN_CHARS = 0.5; // as in analysis.py
  var KINDS = { p: "项目", d: "部门", g: "页面" };
  var EXAMPLES = ["高龄津贴", "义务教育", "垃圾清运", "驻村", "校舍", "防汛"];
  var SYMBOL_SRC = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+(?:\\.[0-9]+)?";
  var RUN = new RegExp("(?:" + SYMBOL_SRC + ")+", "g");
  var SYMBOL = new RegExp(SYMBOL_SRC, "g");
  var LATIN = /[a-z0-9]+(?:\.[0-9]+)?/g;
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var FOLDABLE = /[\u3400-\u9fff]/g; // the range fold.json was made from
  // what Python's str.split() splits at (JS's \s differs in a few characters)
  var SPACES = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var BODY_KIND = "(?:局|委员会|委|办|中心)?"; // dropped with a body's short form
  var NO_FILTER = { kind: "", region: "", dept: "", src: "", min: "", max: "" };
  var cache = {};
  var T = null; // the analysis tables, once loaded by ready()

  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; }); // a failed fetch is tried again
    }
    return cache[path];
  }

  function meta() { return getJSON("search/meta.json"); }

  function ready() {
    if (!cache.tables) {
      cache.tables = Promise.all([getJSON("search/fold.json"), getJSON("search/abbreviations.json")]).then(function (r) {
        T = { fold: r[0], forms: r[1].forms, shorts: Object.keys(r[1].forms), bodies: new Set(r[1].bodies) };
      });
    }
    return cache.tables;
  }

  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }
  function flatten(lists) { return [].concat.apply([], lists); }
  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  // ------------------------------------------------------------ the analysis (analysis.py)

  function fnv1a(text) { // same as generator.search.fnv1a
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function normalise(text) {
    var s = String(text || "").normalize("NFKC").replace(FOLDABLE, function (c) { return has(T.fold, c) ? T.fold[c] : c; });
    return s.replace(/[〔【［]/g, "[").replace(/[〕】］]/g, "]").toLowerCase();
  }

  function grams(text) { // bigrams of the symbols of each run, a one-symbol run itself, every Latin token
    var s = normalise(text), out = [];
    (s.match(RUN) || []).forEach(function (run) {
      var symbols = run.match(SYMBOL);
      if (symbols.length === 1) out.push(symbols[0]);
      for (var i = 0; i + 1 < symbols.length; i++) out.push(symbols[i] + symbols[i + 1]);
    });
    (s.match(LATIN) || []).forEach(function (t) { if (out.indexOf(t) < 0) out.push(t); });
    return out;
  }

  function chars(text) { return unique((normalise(text).match(CJK_RUN) || []).join("").split("")); }

  function collapse(s) { return s.split(SPACES).filter(Boolean).join(" "); }

  function variants(query) { // the query, then with each short form it holds spelt out
    var q = normalise(query), out = [q];
    for (var i = 0; i < T.shorts.length; i++) {
      var short = T.shorts[i];
      if (q.indexOf(short) < 0) continue;
      var escaped = short.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      var pattern = new RegExp(escaped + (T.bodies.has(short) ? BODY_KIND : ""), "g");
      var grown = [];
      out.forEach(function (v) {
        if (v.indexOf(short) < 0) return;
        T.forms[short].forEach(function (full) {
          grown.push(collapse(v.replace(pattern, function () { return " " + full + " "; })));
        });
      });
      grown.forEach(function (g) { if (out.indexOf(g) < 0) out.push(g); });
      if (out.length >= MAX_VARIANTS) break;
    }
    return out.slice(0, MAX_VARIANTS);
  }

  function suggestion(query, titles) { // a window of a title differing from the query in one character
    var q = Array.from(normalise(query));
    if (q.length < 4) return "";
    for (var k = 0; k < titles.length; k++) {
      var t = Array.from(normalise(titles[k]));
      for (var i = 0; i + q.length <= t.length; i++) {
        var differ = 0;
        for (var j = 0; j < q.length; j++) if (t[i + j] !== q[j]) differ++;
        if (differ === 1) return t.slice(i, i + q.length).join("");
      }
    }
    return "";
  }

  // grams: [{docs: [doc…], df}], one per gram; names: [[doc…]], one per character of the query
  function coverage(grams, names, nDocs) {
    var weights = grams.map(function (g) { return Math.log(1 + nDocs / (1 + g.df)); });
    var total = weights.reduce(function (a, b) { return a + b; }, 0) || 1;
    var scores = new Map(), shared = new Map();
    grams.forEach(function (g, i) {
      g.docs.forEach(function (d) { scores.set(d, (scores.get(d) || 0) + weights[i] / total); });
    });
    names.forEach(function (docs) { docs.forEach(function (d) { shared.set(d, (shared.get(d) || 0) + 1); }); });
    shared.forEach(function (n, d) {
      var share = n / names.length;
      if (scores.has(d) || share >= MIN_CHARS) scores.set(d, (scores.get(d) || 0) + CHAR_WEIGHT * share);
    });
    scores.forEach(function (s, d) { scores.set(d, Math.round(s * 1e6) / 1e6); });
    return scores;
  }

  // ------------------------------------------------------------ the index

  function entryOf(raw) { // a gram's postings [doc, score, doc, score, …], maybe cut to the best
    if (!raw) return null;
    return Array.isArray(raw) ? { list: raw, complete: true, df: raw.length / 2 } : { list: raw.p, complete: false, df: raw.cut };
  }

  async function postings(terms) { // term → entry, or null when no document holds it
    var m = await meta(), out = new Map();
    await Promise.all(terms.map(function (t) {
      return getJSON("search/t/" + (fnv1a(t) % m.shards) + ".json").then(function (shard) {
        out.set(t, has(shard, t) ? entryOf(shard[t]) : null);
      });
    }));
    return out;
  }

  function pairs(list, fn) { for (var i = 0; i < list.length; i += 2) fn(list[i], list[i + 1]); }
  function docsOf(entry) { var out = []; if (entry) pairs(entry.list, function (d) { out.push(d); }); return out; }

  async function hit(n) { // a document's display fields
    var m = await meta();
    var row = (await getJSON("search/d/" + Math.floor(n / m.chunk) + ".json"))[n % m.chunk];
    return {
      n: n, title: row[0], url: row[2], dept: row[4], deptKey: row[5], amount: row[6], sources: row[7],
      regionIndex: row[3], region: row[3] >= 0 ? m.regions[row[3]] : "",
      kind: row[1], // p project, d department, g page (generator.search.KIND_CODES)
    };
  }

  function hits(list) { return Promise.all(list.map(hit)); }

  function projectCount() { // documents are numbered projects first, then departments, then pages
    if (!cache.projects) {
      cache.projects = meta().then(async function (m) {
        var isProject = async function (n) { return n < m.docs && (await hit(n)).kind === "p"; };
        var lo = 0, hi = Math.max(0, m.docs - m.departments.length), guess = Math.max(0, hi - 2 * m.chunk);
        if (await isProject(guess)) lo = guess + 1; else hi = guess;
        while (lo < hi) {
          var mid = (lo + hi) >> 1;
          if (await isProject(mid)) lo = mid + 1; else hi = mid;
        }
        return lo;
      });
    }
    return cache.projects;
  }

  // ------------------------------------------------------------ matching (engine.search)

  function needsRows(f) { return f.region !== "" || f.dept !== "" || f.src !== "" || f.min !== "" || f.max !== ""; }
  function filtering(f) { return f.kind !== "" || needsRows(f); }

  function passes(h, f) {
    if (f.region !== "" && h.regionIndex !== Number(f.region)) return false;
    if (f.dept && h.deptKey !== f.dept) return false;
    if (f.src !== "" && h.sources.indexOf(Number(f.src)) < 0) return false;
    if (f.min !== "" && h.amount < Number(f.min) * 1e4) return false;
    if (f.max !== "" && h.amount > Number(f.max) * 1e4) return false;
    return true;
  }

  async function keep(list, f, most) { // the documents of list (in order) the filters allow, at most `most`
    if (f.kind) {
      var m = await meta(), p = await projectCount(), d = p + m.departments.length;
      list = list.filter(function (n) { return (n < p ? "p" : n < d ? "d" : "g") === f.kind; });
    }
    if (!needsRows(f)) return list.slice(0, most);
    var out = [];
    for (var i = 0; i < list.length && out.length < most; i += 64) {
      (await hits(list.slice(i, i + 64))).forEach(function (h) { if (out.length < most && passes(h, f)) out.push(h.n); });
    }
    return out;
  }

  // documents holding every gram, by the sum of their gram scores; a gram whose postings
  // were cut to the best ones (very common, e.g. 资金) only adds to the score when a
  // complete list exists
  function holdingAll(entries) {
    var complete = entries.filter(function (e) { return e.complete; }).map(function (e) { return e.list; });
    var cut = entries.filter(function (e) { return !e.complete; }).map(function (e) { return e.list; });
    var required = (complete.length ? complete : cut).sort(function (a, b) { return a.length - b.length; });
    var scores = new Map();
    pairs(required[0], function (d, s) { scores.set(d, s); });
    required.slice(1).forEach(function (list) {
      var next = new Map();
      pairs(list, function (d, s) { if (scores.has(d)) next.set(d, scores.get(d) + s); });
      scores = next;
    });
    (complete.length ? cut : []).forEach(function (list) {
      pairs(list, function (d, s) { if (scores.has(d)) scores.set(d, scores.get(d) + s); });
    });
    return scores;
  }

  function ranked(best) {
    return Array.from(best.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).map(function (e) { return e[0]; });
  }

  function exactMatches(plans, lists) { // union over the variants, each document's best score
    var best = new Map();
    plans.forEach(function (plan) {
      var entries = plan.grams.map(function (g) { return lists.get(g); });
      if (entries.some(function (e) { return !e; })) return;
      holdingAll(entries).forEach(function (s, d) { if (!best.has(d) || best.get(d) < s) best.set(d, s); });
    });
    return ranked(best);
  }

  async function partialMatches(plans, lists, nDocs, seen) { // engine._partial
    var names = await postings(unique(flatten(plans.map(function (p) { return chars(p.variant).map(function (c) { return "~" + c; }); }))));
    var best = new Map();
    plans.forEach(function (plan) {
      var gramSets = plan.grams.map(function (g) { var e = lists.get(g); return { docs: docsOf(e), df: e ? e.df : 0 }; });
      var charSets = chars(plan.variant).map(function (c) { return docsOf(names.get("~" + c)); });
      coverage(gramSets, charSets, nDocs).forEach(function (s, d) {
        if (!seen.has(d) && s > (best.get(d) || 0)) best.set(d, s);
      });
    });
    return ranked(best);
  }

  // The answer to a query: documents holding all of it (or of a variant) first, then, when
  // fewer than a page, those holding most of it. {list: [doc…], exact: how many hold all}
  async function find(query, f) {
    await ready();
    var m = await meta();
    var plans = variants(query).map(function (v) { return { variant: v, grams: unique(grams(v)) }; })
      .filter(function (p) { return p.grams.length; });
    if (!plans.length) return { list: [], exact: 0, terms: 0 };
    var lists = await postings(unique(flatten(plans.map(function (p) { return p.grams; }))));
    var exact = await keep(exactMatches(plans, lists), f, Infinity);
    var out = { list: exact, exact: exact.length, terms: lists.size };
    if (exact.length < PAGE) {
      var partial = await partialMatches(plans, lists, m.docs, new Set(exact));
      out.list = exact.concat(await keep(partial, f, exact.length ? PAGE - exact.length : Infinity));
    }
    return out;
  }

  async function browse(f) { // no keyword: every document the filters allow, walking the chunks
    var m = await meta(), all = [];
    for (var n = 0; n < m.docs; n++) all.push(n);
    var list = await keep(all, f, Infinity);
    return { list: list, exact: list.length, terms: 0, browsing: true };
  }

  async function ordered(result, sort) { // relevance, or annual amount high→low / low→high
    if (!sort) return result.list;
    var dir = sort === "amount-asc" ? 1 : -1;
    var rows = await hits(result.list);
    rows.forEach(function (h, i) { h.rank = i; });
    return rows.sort(function (a, b) { return dir * (a.amount - b.amount) || a.rank - b.rank; }).map(function (h) { return h.n; });
  }

  // ------------------------------------------------------------ showing results

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text; // never innerHTML: titles come from documents
    return e;
  }

  function wan(yuan) {
    var w = yuan / 1e4;
    return w >= 1e4 ? (w / 1e4).toFixed(2) + "亿元" : w.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "万元";
  }

  function describe(h) { // 部门 · 地区 · 年度资金
    var parts = [h.kind === "p" ? h.dept : "", h.region];
    if (h.kind !== "g" && h.amount) parts.push("年度资金 " + wan(h.amount));
    return parts.filter(Boolean).join(" · ");
  }

  function hitItem(tag, h, partial) {
    var item = el(tag, { "class": "bs-hit" + (partial ? " bs-partial" : ""), "data-kind": h.kind, "data-amount": String(h.amount) });
    item.appendChild(el("a", { href: base + h.url }, h.title));
    item.appendChild(el("span", { "class": "bs-kind" }, " " + KINDS[h.kind]));
    if (partial) item.appendChild(el("span", { "class": "bs-kind bs-partial-note" }, " · 部分符合"));
    item.appendChild(el("div", { "class": "bs-meta" }, describe(h)));
    return item;
  }

  function csvCell(value) { // a cell a spreadsheet will not run as a formula
    var s = String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csvText(rows, m) {
    var head = ["类型", "名称", "部门", "地区", "年度资金（元）", "资金来源", "链接"];
    var body = rows.map(function (h) {
      var sources = h.sources.map(function (i) { return m.sources[i]; }).join("、");
      return [KINDS[h.kind], h.title, h.kind === "g" ? "" : h.dept, h.region, h.kind === "g" ? "" : h.amount, sources, new URL(h.url, base).href];
    });
    return "\ufeff" + [head].concat(body).map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function download(text, name) {
    var url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // ------------------------------------------------------------ the header box

  function headerBox() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.querySelector(".bs-header-search")) return;
    var form = el("form", { "class": "bs-header-search", action: base + "search/", role: "search" });
    var input = el("input", {
      type: "search", name: "q", placeholder: "搜索项目、部门", "aria-label": "搜索", autocomplete: "off",
      role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "bs-dropdown",
    });
    var box = el("div", { "class": "bs-dropdown", hidden: "" });
    var list = el("ul", { id: "bs-dropdown", role: "listbox", "aria-label": "搜索结果" });
    var live = el("span", { "class": "bs-visually-hidden", "aria-live": "polite" });
    input.value = new URLSearchParams(location.search).get("q") || "";
    box.appendChild(list);
    form.appendChild(input);
    form.appendChild(box);
    form.appendChild(live);
    inner.appendChild(form);
    dropdown(form, input, box, list, live);
  }

  function dropdown(form, input, box, list, live) {
    var seq = 0, timer = 0, active = -1, options = [];

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(i) {
      active = i;
      options.forEach(function (o, k) { o.node.setAttribute("aria-selected", String(k === i)); });
      if (i < 0) input.removeAttribute("aria-activedescendant");
      else { input.setAttribute("aria-activedescendant", options[i].node.id); options[i].node.scrollIntoView({ block: "nearest" }); }
    }

    function option(node, go) {
      node.id = "bs-option-" + options.length;
      node.setAttribute("role", "option");
      node.setAttribute("aria-selected", "false");
      node.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the focus in the box
      node.addEventListener("click", function (e) { e.preventDefault(); go(); });
      options.push({ node: node, go: go });
      list.appendChild(node);
    }

    function all() { location.href = base + "search/?q=" + encodeURIComponent(input.value.trim()); }

    async function update() {
      var mine = ++seq, query = input.value.trim(), result, rows;
      if (Array.from(query).length < MIN_TYPED) { close(); form.setAttribute("data-state", "done"); return; }
      form.setAttribute("data-state", "busy");
      try {
        result = await find(query, NO_FILTER);
        rows = await hits(result.list.slice(0, WHILE_TYPING));
      } catch (err) {
        result = { list: [], exact: 0 };
        rows = [];
      }
      if (mine !== seq) return; // a newer keypress won
      list.textContent = "";
      options = [];
      var meant = result.exact ? "" : suggestion(query, rows.map(function (h) { return h.title; }));
      if (meant) {
        option(el("li", { "class": "bs-meant" }, "您是不是要找：" + meant), function () { input.value = meant; update(); });
      }
      rows.forEach(function (h, i) {
        var li = hitItem("li", h, i >= result.exact);
        option(li, function () { location.href = base + h.url; });
      });
      if (!rows.length) list.appendChild(el("li", { "class": "bs-none" }, "没有找到“" + query + "”"));
      else option(el("li", { "class": "bs-all" }, "查看全部 " + result.list.length + " 个结果"), all);
      live.textContent = rows.length ? result.list.length + " 个结果" : "没有找到";
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(-1);
      form.setAttribute("data-state", "done");
    }

    input.addEventListener("input", function () {
      seq++; // what is on its way is already out of date
      form.setAttribute("data-state", "busy");
      clearTimeout(timer);
      timer = setTimeout(update, 50); // typing on: wait for a pause, but under the 150 ms a reader notices
    });
    input.addEventListener("focus", function () {
      ready().then(meta).catch(function () {}); // the tables, before the first keypress needs them
      if (input.value.trim()) update();
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      var open = !box.hidden && options.length;
      if (e.key === "ArrowDown" && open) { e.preventDefault(); mark((active + 1) % options.length); }
      else if (e.key === "ArrowUp" && open) { e.preventDefault(); mark(active <= 0 ? options.length - 1 : active - 1); }
      else if (e.key === "Enter" && open && active >= 0) { e.preventDefault(); options[active].go(); }
      else if (e.key === "Escape" && !box.hidden) { e.preventDefault(); close(); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); if (input.value.trim()) all(); });
  }

  // ------------------------------------------------------------ the 搜索 page

  function app() {
    var root = document.getElementById("bs-search-app");
    if (!root) return;
    var $ = function (id) { return document.getElementById(id); };
    var q = $("bs-q"), kind = $("bs-kind"), region = $("bs-region"), dept = $("bs-dept"), src = $("bs-src");
    var min = $("bs-min"), max = $("bs-max"), sort = $("bs-sort");
    var status = $("bs-status"), meantLine = $("bs-meant"), list = $("bs-results"), more = $("bs-more"), csv = $("bs-csv");
    var fields = { q: q, kind: kind, region: region, dept: dept, src: src, min: min, max: max, sort: sort };
    var seq = 0, shown = PAGE, view = null, M = null;

    meta().then(function (m) {
      M = m;
      m.regions.forEach(function (name, i) { region.appendChild(el("option", { value: String(i) }, name)); });
      m.sources.forEach(function (name, i) { src.appendChild(el("option", { value: String(i) }, name)); });
      var params = new URLSearchParams(location.search);
      Object.keys(fields).forEach(function (k) { if (k !== "dept") fields[k].value = params.get(k) || ""; });
      fillDepts();
      dept.value = params.get("dept") || "";
      region.addEventListener("change", fillDepts);
      Object.keys(fields).forEach(function (k) {
        fields[k].addEventListener(fields[k].tagName === "SELECT" ? "change" : "input", run);
      });
      $("bs-form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
      more.addEventListener("click", showMore);
      csv.addEventListener("click", function () { if (view) download(csvText(view.rows, M), "搜索结果.csv"); });
      run();
    }, function (err) { status.textContent = "搜索暂时无法使用：" + err.message; });

    function fillDepts() {
      var keep = dept.value;
      while (dept.options.length > 1) dept.remove(1);
      M.departments.forEach(function (d) {
        if (region.value === "" || d[2] === Number(region.value)) dept.appendChild(el("option", { value: d[0] }, d[1]));
      });
      dept.value = keep;
      if (dept.value !== keep) dept.value = "";
    }

    function filters() {
      return { kind: kind.value, region: region.value, dept: dept.value, src: src.value, min: min.value.trim(), max: max.value.trim() };
    }

    function remember() {
      var p = new URLSearchParams();
      Object.keys(fields).forEach(function (k) { var v = fields[k].value.trim(); if (v !== "") p.set(k, v); });
      history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p.toString() : ""));
    }

    function examples(text) {
      status.textContent = text;
      var p = el("p", { "class": "bs-suggest" }, "试试：");
      EXAMPLES.forEach(function (word) {
        var a = el("a", { href: "?q=" + encodeURIComponent(word) }, word);
        a.addEventListener("click", function (e) { e.preventDefault(); q.value = word; run(); });
        p.appendChild(a);
        p.appendChild(document.createTextNode(" "));
      });
      // beside the results list, not in it: an <ol> holds only <li> (axe-core's list rule)
      clearSuggestions();
      list.parentNode.insertBefore(p, list.nextSibling);
    }

    function clearSuggestions() {
      root.querySelectorAll(".bs-suggest").forEach(function (p) { p.remove(); });
    }

    async function run() {
      var mine = ++seq, started = performance.now(), f = filters(), query = q.value.trim();
      remember();
      root.setAttribute("data-state", "busy");
      shown = PAGE;
      try {
        var result = query ? await find(query, f) : filtering(f) ? await browse(f) : null;
        var order = result ? await ordered(result, sort.value) : [];
        if (mine !== seq) return; // a newer keypress won
        view = { query: query, f: f, result: result, order: order, exact: new Set(result ? result.list.slice(0, result.exact) : []) };
        await show(view, mine);
      } catch (err) {
        if (mine !== seq) return;
        list.textContent = "";
        clearSuggestions();
        status.textContent = "搜索出错：" + err.message;
        view = null;
      }
      var ms = performance.now() - started;
      root.setAttribute("data-ms", ms.toFixed(1));
      root.setAttribute("data-state", "done");
      window.__bsLastSearchMs = ms;
    }

    async function show(v, mine) {
      var rows = v.result ? await hits(v.order.slice(0, shown)) : [];
      var meant = v.result && v.query && !v.result.exact ? await didYouMean(v) : "";
      if (mine !== seq) return;
      list.textContent = "";
      clearSuggestions();
      meantLine.textContent = "";
      meantLine.hidden = !meant;
      v.rows = rows;
      more.hidden = !v.result || shown >= v.order.length;
      csv.hidden = !rows.length;
      if (!v.result) return examples("输入项目名称中的词、部门名称、地名或指标名称，例如：");
      if (v.query && !v.result.terms) return examples("没有找到：请输入中文词语或数字。");
      var filtered = filtering(v.f) ? "（已按条件筛选）" : "";
      if (!rows.length) {
        return examples("没有找到" + (v.query ? "“" + v.query + "”" : "符合条件的结果") + (filtered ? "（已按条件筛选，可以去掉筛选条件再试）" : "") + "。可以换一个更短的词，或者：");
      }
      status.textContent = summary(v, filtered);
      if (meant) {
        var a = el("a", { href: "?q=" + encodeURIComponent(meant) }, meant);
        a.addEventListener("click", function (e) { e.preventDefault(); q.value = meant; run(); });
        meantLine.appendChild(document.createTextNode("您是不是要找："));
        meantLine.appendChild(a);
      }
      rows.forEach(function (h) { list.appendChild(hitItem("li", h, !v.exact.has(h.n))); });
    }

    async function showMore() {
      if (!view) return;
      root.setAttribute("data-state", "busy");
      shown += PAGE;
      await show(view, seq);
      root.setAttribute("data-state", "done");
    }

    function summary(v, filtered) {
      var total = v.order.length, exact = v.result.exact;
      var by = sort.value ? "（按年度资金" + (sort.value === "amount-asc" ? "从低到高" : "从高到低") + "排序）" : v.query ? "（按相关程度排序）" : "";
      var head = !v.query ? "符合条件的共 " + total + " 个结果" :
        exact ? "共 " + exact + " 个结果" + (total > exact ? "，另有 " + (total - exact) + " 个部分符合" : "") :
          "没有找到完全符合“" + v.query + "”的结果；" + total + " 个结果部分符合";
      return head + filtered + by + "，显示 " + Math.min(shown, total) + " 个：";
    }

    async function didYouMean(v) { // over the titles of the best partial matches, as the command line does
      var rows = await hits(v.result.list.slice(0, 10));
      return suggestion(v.query, rows.map(function (h) { return h.title; }));
    }
  }

  // for the tests: the analysis they compare with analysis.py, and the search itself
  window.__bsAnalysis = {
    ready: ready, normalise: normalise, grams: grams, chars: chars, variants: variants,
    suggestion: suggestion, coverage: coverage, fnv1a: fnv1a,
  };
  window.__bsSearch = { find: find, browse: browse, hits: hits, csvCell: csvCell };

  function init() { headerBox(); app(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
