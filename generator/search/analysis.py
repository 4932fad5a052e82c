"""How Chinese text becomes search terms, shared by the whoosh index, the command
line and (as character bigrams) the browser index.

- normalise: full-width to half-width (NFKC), 〔〕【】 to [], lower case;
- words: jieba's search-mode segmentation, with a user dictionary harvested from the
  records (department, unit, indicator and place names) so names stay whole;
- grams: character bigrams of every Chinese run (unigrams for single characters)
  and whole Latin/number tokens. A two-character word from the middle of a name
  ("津贴" in 2024年高新区高龄津贴补助资金) is always one of them, and the browser can
  make the same grams from a query without a dictionary.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba

if TYPE_CHECKING:
    from generator.model import Record

jieba.setLogLevel(logging.WARNING)

_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]"})
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|乡|村|街道|社区|小学|中学|学校|中心校|幼儿园|医院)")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").translate(_BRACKETS).lower()


def grams(text: str) -> list[str]:
    """Character bigrams of Chinese runs, unigrams for one-character runs, Latin words."""
    s = normalise(text)
    out: list[str] = []
    for run in _CJK_RUN.findall(s):
        if len(run) == 1:
            out.append(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(_LATIN.findall(s))
    return out


def words(text: str) -> list[str]:
    """jieba search-mode words (with the harvested user dictionary), punctuation dropped."""
    return [w for w in (t.strip() for t in jieba.cut_for_search(normalise(text))) if w and _is_term(w)]


def _is_term(word: str) -> bool:
    return bool(_CJK_RUN.search(word) or _LATIN.fullmatch(word))


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
        jieba.add_word(term, freq=2000)
        loaded.add(term)
    return len(new)
