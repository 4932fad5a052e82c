// Site search without a server or a CDN: a box in the header, answers on the 搜索 page.
// The browser index (generator/search) is split: a query fetches meta.json, one shard
// per distinct character bigram of the query, and the display chunks of the results it
// shows. Query and filters live in the URL, so a search can be shared as a link.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/javascripts\/search\.js(\?.*)?$/, "");
  var cache = {};
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN = /[a-z0-9]+(?:\.[0-9]+)?/g;
  var KINDS = { p: "项目", d: "部门", g: "页面" };
  var EXAMPLES = ["高龄津贴", "义务教育", "垃圾清运", "驻村", "校舍", "防汛"];

  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  function fnv1a(text) { // same as generator.search.fnv1a
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function normalise(s) {
    return s.normalize("NFKC").replace(/[〔【［]/g, "[").replace(/[〕】］]/g, "]").toLowerCase();
  }

  function grams(text) { // same as generator.search.analysis.grams
    var s = normalise(text), out = [];
    (s.match(CJK) || []).forEach(function (run) {
      if (run.length === 1) out.push(run);
      for (var i = 0; i + 1 < run.length; i++) out.push(run.substr(i, 2));
    });
    (s.match(LATIN) || []).forEach(function (w) { out.push(w); });
    return out.filter(function (g, i) { return out.indexOf(g) === i; });
  }

  function pairs(list, fn) { for (var i = 0; i < list.length; i += 2) fn(list[i], list[i + 1]); }

  // documents holding every gram, scored by the sum of their gram scores; a gram whose
  // postings were cut to the best ones (very common, e.g. 资金) only adds to the score
  function match(lists) {
    var complete = lists.filter(function (l) { return Array.isArray(l); });
    var cut = lists.filter(function (l) { return !Array.isArray(l); }).map(function (l) { return l.p; });
    var required = (complete.length ? complete : cut).slice().sort(function (a, b) { return a.length - b.length; });
    var extra = complete.length ? cut : [];
    var scores = new Map();
    pairs(required[0], function (d, s) { scores.set(d, s); });
    required.slice(1).forEach(function (list) {
      var next = new Map();
      pairs(list, function (d, s) { if (scores.has(d)) next.set(d, scores.get(d) + s); });
      scores = next;
    });
    extra.forEach(function (list) { pairs(list, function (d, s) { if (scores.has(d)) scores.set(d, scores.get(d) + s); }); });
    return Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
  }

  function passes(doc, f) {
    if (f.region !== "" && doc[3] !== Number(f.region)) return false;
    if (f.dept && doc[5] !== f.dept) return false;
    if (f.src !== "" && doc[7].indexOf(Number(f.src)) < 0) return false;
    if (f.min !== "" && doc[6] < Number(f.min) * 1e4) return false;
    if (f.max !== "" && doc[6] > Number(f.max) * 1e4) return false;
    return true;
  }

  function filtering(f) { return f.region !== "" || f.dept || f.src !== "" || f.min !== "" || f.max !== ""; }

  async function search(query, f, limit) {
    var meta = await getJSON("search/meta.json");
    var terms = grams(query);
    if (!terms.length) return { hits: [], total: 0, terms: terms };
    var shards = await Promise.all(terms.map(function (t) {
      return getJSON("search/t/" + (fnv1a(t) % meta.shards) + ".json").then(function (s) { return s[t]; });
    }));
    if (shards.some(function (l) { return !l; })) return { hits: [], total: 0, terms: terms };
    var ranked = match(shards);
    if (filtering(f)) ranked = ranked.filter(function (r) { return r[0] < meta.docs; });
    var hits = [], checked = 0, batch = filtering(f) ? 64 : limit;
    while (hits.length < limit && checked < ranked.length && checked < 1024) {
      var slice = ranked.slice(checked, checked + batch);
      checked += slice.length;
      var docs = await Promise.all(slice.map(function (r) {
        return getJSON("search/d/" + Math.floor(r[0] / meta.chunk) + ".json").then(function (c) { return c[r[0] % meta.chunk]; });
      }));
      docs.forEach(function (doc) { if (hits.length < limit && passes(doc, f)) hits.push(doc); });
    }
    return { hits: hits, total: filtering(f) ? null : ranked.length, terms: terms, meta: meta };
  }

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

  function headerBox() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.querySelector(".bs-header-search")) return;
    var form = el("form", { "class": "bs-header-search", action: base + "search/", role: "search" });
    var input = el("input", { type: "search", name: "q", placeholder: "搜索项目、部门", "aria-label": "搜索" });
    input.value = new URLSearchParams(location.search).get("q") || "";
    form.appendChild(input);
    inner.appendChild(form);
  }

  function app() {
    var root = document.getElementById("bs-search-app");
    if (!root) return;
    var $ = function (id) { return document.getElementById(id); };
    var q = $("bs-q"), region = $("bs-region"), dept = $("bs-dept"), src = $("bs-src"), min = $("bs-min"), max = $("bs-max");
    var status = $("bs-status"), list = $("bs-results");
    var params = new URLSearchParams(location.search);
    var seq = 0;
    getJSON("search/meta.json").then(function (meta) {
      meta.regions.forEach(function (name, i) { region.appendChild(el("option", { value: String(i) }, name)); });
      meta.sources.forEach(function (name, i) { src.appendChild(el("option", { value: String(i) }, name)); });
      function fillDepts() {
        var keep = dept.value;
        while (dept.options.length > 1) dept.remove(1);
        meta.departments.forEach(function (d) {
          if (region.value === "" || d[2] === Number(region.value)) dept.appendChild(el("option", { value: d[0] }, d[1]));
        });
        dept.value = keep;
        if (dept.value !== keep) dept.value = "";
      }
      q.value = params.get("q") || "";
      region.value = params.get("region") || "";
      fillDepts();
      dept.value = params.get("dept") || "";
      src.value = params.get("src") || "";
      min.value = params.get("min") || "";
      max.value = params.get("max") || "";
      region.addEventListener("change", fillDepts);
      [q, region, dept, src, min, max].forEach(function (input) {
        input.addEventListener("input", run);
        input.addEventListener("change", run);
      });
      $("bs-form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
      run();
    });

    function state() {
      return { region: region.value, dept: dept.value, src: src.value, min: min.value.trim(), max: max.value.trim() };
    }

    function remember(f) {
      var p = new URLSearchParams();
      if (q.value.trim()) p.set("q", q.value.trim());
      Object.keys(f).forEach(function (k) { if (f[k] !== "") p.set(k, f[k]); });
      history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p.toString() : ""));
    }

    function suggest(text) {
      status.textContent = text;
      var p = el("p", { "class": "bs-suggest" }, "试试：");
      EXAMPLES.forEach(function (word) {
        var a = el("a", { href: "?q=" + encodeURIComponent(word) }, word);
        p.appendChild(a);
        p.appendChild(document.createTextNode(" "));
      });
      list.appendChild(p);
    }

    async function run() {
      var mine = ++seq, started = performance.now(), f = state(), query = q.value.trim();
      remember(f);
      root.setAttribute("data-state", "busy");
      var result;
      try {
        result = await search(query, f, 20);
      } catch (err) {
        result = { hits: [], total: 0, terms: grams(query), error: String(err) };
      }
      if (mine !== seq) return; // a newer keypress won
      list.textContent = "";
      if (!query) {
        suggest("输入项目名称中的词、部门名称、地名或指标名称，例如：");
      } else if (!result.terms.length) {
        suggest("没有找到：请输入中文词语或数字。");
      } else if (!result.hits.length) {
        suggest("没有找到“" + query + "”" + (filtering(f) ? "（已按条件筛选，可以去掉筛选条件再试）" : "") + "。可以换一个更短的词，或者：");
      } else {
        status.textContent = result.total === null ? "符合条件的结果（按相关程度排序）：" : "共 " + result.total + " 个结果（按相关程度排序）：";
        result.hits.forEach(function (doc) {
          var li = el("li", { "class": "bs-hit" });
          var a = el("a", { href: base + doc[2] }, doc[0]);
          li.appendChild(a);
          li.appendChild(el("span", { "class": "bs-kind" }, " " + KINDS[doc[1]]));
          var where = [doc[4], doc[3] >= 0 ? result.meta.regions[doc[3]] : ""].filter(Boolean).join(" · ");
          var line = el("div", { "class": "bs-meta" }, where + (doc[1] !== "g" && doc[6] ? " · 年度资金 " + wan(doc[6]) : ""));
          li.appendChild(line);
          list.appendChild(li);
        });
      }
      var ms = performance.now() - started;
      root.setAttribute("data-ms", ms.toFixed(1));
      root.setAttribute("data-state", "done");
      window.__bsLastSearchMs = ms;
    }
  }

  function init() { headerBox(); app(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
