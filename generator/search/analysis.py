"""How Chinese text becomes search terms: one analysis for the whoosh index, the command
line and the browser index (content/javascripts/search.js does the same steps with the
tables exported beside the index; tests/test_search_browser.py checks that they agree).

- normalise: NFKC (full-width to half-width), traditional characters folded to simplified
  (OpenCC's t2s, character by character, exported as fold.json for the browser),
  〔〕【】 to [], lower case;
- grams: text is cut at spaces and punctuation into runs of symbols, a symbol being one
  Chinese character or one Latin/number token ("e", "ups", "2024"); a run gives the
  bigrams of its symbols (乡村e镇 → 乡村 村e e镇), a one-symbol run itself, and every
  Latin/number token alone. A two-character word from the middle of a name is always
  a gram, and a browser makes the same grams from a query without a dictionary;
- chars: the single Chinese characters of a name (the title_c field): what a query with
  one wrong character still shares with the intended name;
- ids: a code or id token and its prefixes of 6 or more characters (13073024p008895 finds
  13073024P00889510002X);
- words: jieba's search-mode segmentation, with a user dictionary harvested from the
  records, for ranking;
- variants: a query holding a short form from abbreviations.yaml (发改局, 人社局, 低保) is
  also run with each full form in its place.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from generator.model import Record


@cache
def _jieba() -> ModuleType:
    """jieba, imported when words are first cut (its import, with pkg_resources, costs half
    a second that generate, which never cuts words, does not pay)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


ABBREVIATIONS = Path(__file__).with_name("abbreviations.yaml")
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]"})
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_SYMBOL = re.compile(f"[{_CJK}]|[a-z0-9]+(?:\\.[0-9]+)?")
_RUN = re.compile(f"(?:[{_CJK}]|[a-z0-9]+(?:\\.[0-9]+)?)+")
_ID_TOKEN = re.compile(r"[a-z0-9]{6,}")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|乡|村|街道|社区|小学|中学|学校|中心校|幼儿园|医院)")
MIN_PREFIX = 6  # shortest code prefix that finds a code
MAX_VARIANTS = 8


@cache
def fold_table() -> dict[str, str]:
    """Traditional → simplified for single characters (OpenCC t2s), only those that change."""
    import opencc

    chars = [chr(code) for code in range(0x3400, 0xA000)]
    # one call, a character a line (a phrase never spans a line break): 4x faster than a
    # call per character, the same table
    outs = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {ch: out for ch, out in zip(chars, outs, strict=True) if out != ch and len(out) == 1}


@cache
def _fold_trans() -> dict[int, str]:
    return str.maketrans(fold_table())


def normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text or "").translate(_fold_trans())
    return s.translate(_BRACKETS).lower()


def grams(text: str) -> list[str]:
    """Bigrams of the symbols of each run, a one-symbol run itself, and every Latin token."""
    s = normalise(text)
    out: list[str] = []
    for run in _RUN.findall(s):
        symbols = _SYMBOL.findall(run)
        if len(symbols) == 1:
            out.append(symbols[0])
        out.extend(symbols[i] + symbols[i + 1] for i in range(len(symbols) - 1))
    out.extend(t for t in _LATIN.findall(s) if t not in out)
    return out


def chars(text: str) -> list[str]:
    """The Chinese characters of a text, each once, in order."""
    return list(dict.fromkeys("".join(_CJK_RUN.findall(normalise(text)))))


def id_terms(text: str) -> list[str]:
    """What the ids field holds: the text's grams, then its code and id prefixes (ids)."""
    return list(dict.fromkeys([*grams(text), *ids(text)]))


def ids(text: str) -> list[str]:
    """Code and id tokens (six or more letters and digits) with each of their prefixes of six or more."""
    out: list[str] = []
    for token in _ID_TOKEN.findall(normalise(text)):
        out.extend(token[:n] for n in range(MIN_PREFIX, len(token) + 1))
    return list(dict.fromkeys(out))


def words(text: str) -> list[str]:
    """jieba search-mode words (with the harvested user dictionary), punctuation dropped."""
    return [w for w in (t.strip() for t in _jieba().cut_for_search(normalise(text))) if w and _is_term(w)]


def _is_term(word: str) -> bool:
    return bool(_CJK_RUN.search(word) or _LATIN.fullmatch(word))


# ---------------------------------------------------------------- short forms


# the kind of body a short form may be followed by: dropped with it, since counties name
# the same body 住房和城乡建设局, …管理局 or …委员会
_KIND = "(?:局|委员会|委|办|中心)?"


@cache
def _abbreviation_data() -> dict[str, dict[str, list[str]]]:
    """abbreviations.yaml, read once, by libyaml where PyYAML has it (the pure-Python
    loader took 40 ms)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(ABBREVIATIONS.read_text(encoding="utf-8"), Loader=loader)
    return data if isinstance(data, dict) else {}


@cache
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Short form → full forms, normalised, longest short form first. A body's short form
    (bodies:) also stands for itself followed by its kind: 住建 for 住建局 and 住建委."""
    data = _abbreviation_data()
    merged: dict[str, tuple[str, ...]] = {}
    for group in ("bodies", "terms"):
        for short, fulls in (data.get(group) or {}).items():
            merged[normalise(str(short))] = tuple(normalise(str(f)) for f in fulls)
    return dict(sorted(merged.items(), key=lambda kv: (-len(kv[0]), kv[0])))


@cache
def bodies() -> frozenset[str]:
    return frozenset(normalise(str(short)) for short in _abbreviation_data().get("bodies") or {})


def variants(query: str) -> list[str]:
    """The query, then the query with each short form it holds replaced by a full form
    (longest short forms first; a body's kind after its short form dropped with it:
    住建局 → 住房和城乡建设); at most MAX_VARIANTS in all."""
    q = normalise(query)
    out = [q]
    for short, fulls in abbreviations().items():
        if short not in q:
            continue
        pattern = re.compile(re.escape(short) + (_KIND if short in bodies() else ""))
        # spaced: the full form's grams do not run on into the words around it
        grown = [" ".join(pattern.sub(f" {full} ", v).split()) for v in out if short in v for full in fulls]
        out.extend(g for g in grown if g not in out)
        if len(out) >= MAX_VARIANTS:
            break
    return out[:MAX_VARIANTS]


def abbreviation_candidates(names: Iterable[str]) -> dict[str, str]:
    """Short forms a name suggests and abbreviations.yaml does not cover: the first
    character of each two-character word before the body's kind (发展改革和科学技术局 →
    发改局 is covered; 数据和政务服务局 → 数政局 is proposed). For review, never applied."""
    known = {full for fulls in abbreviations().values() for full in fulls}
    out: dict[str, str] = {}
    for name in names:
        m = re.search(r"([\u4e00-\u9fff]{2})和?([\u4e00-\u9fff]{2})(局|委员会|中心)$", normalise(name))
        if m and not any(full in name for full in known):
            out[f"{m.group(1)[0]}{m.group(2)[0]}{m.group(3)[0]}"] = m.group(0)
    return out


def suggestion(query: str, titles: Iterable[str]) -> str:
    """A spelling the titles hold that differs from the query in one character (您是不是要找):
    the first title holding a window of the query's length with one character changed."""
    q = normalise(query)
    if len(q) < 4:
        return ""
    for title in titles:
        t = normalise(title)
        for i in range(len(t) - len(q) + 1):
            window = t[i : i + len(q)]
            if sum(a != b for a, b in zip(window, q, strict=True)) == 1:
                return window
    return ""


# ---------------------------------------------------------------- partial matches

CHAR_WEIGHT = 0.5  # a name's characters count half as much as the query's grams
MIN_CHARS = 0.5  # a document sharing no gram needs at least half the query's characters in its name


def coverage(postings: dict[str, set[int]], chars: dict[str, set[int]], n_docs: int) -> dict[int, float]:
    """How much of a query each document holds: the idf-weighted share of the query's grams
    it holds plus CHAR_WEIGHT × the share of the query's characters in its name. A document
    holding no gram is kept only with MIN_CHARS of the characters. (search.js: coverage)"""
    weight = {g: math.log(1 + n_docs / (1 + len(docs))) for g, docs in postings.items()}
    total = sum(weight.values()) or 1.0
    scores: dict[int, float] = {}
    for gram, docs in postings.items():
        for d in docs:
            scores[d] = scores.get(d, 0.0) + weight[gram] / total
    shared: dict[int, int] = {}
    for docs in chars.values():
        for d in docs:
            shared[d] = shared.get(d, 0) + 1
    for d, n in shared.items():
        share = n / len(chars)
        if d in scores or share >= MIN_CHARS:
            scores[d] = scores.get(d, 0.0) + CHAR_WEIGHT * share
    return {d: round(s, 6) for d, s in scores.items()}


# ---------------------------------------------------------------- the user dictionary


def harvest_dictionary(records: Iterable[Record]) -> list[str]:
    """Names worth keeping whole: departments, units, regions, indicators, places in texts."""
    found: set[str] = set()
    for rec in records:
        regions = {rec.region}
        for name in (rec.department_name, rec.unit_name, rec.region):
            if name:
                found.add(normalise(name))
        for ind in rec.indicators:
            if 2 <= len(ind.name) <= 12:
                found.add(normalise(ind.name))
        text = " ".join((rec.project_name, rec.unit_name, rec.overview, rec.department_name))
        for region in regions:
            text = text.replace(region, " ")
        found.update(normalise(m) for m in _PLACE.findall(text))
    return sorted(w for w in found if len(w) >= 2)


@lru_cache(maxsize=1)
def _loaded() -> set[str]:
    return set()


def load_dictionary(terms: Iterable[str]) -> int:
    """Teach jieba the harvested names (once per process); returns how many were new."""
    loaded = _loaded()
    new = [t for t in terms if t not in loaded]
    for term in new:
        _jieba().add_word(term, freq=2000)
        loaded.add(term)
    return len(new)
