"""The browser index's postings, computed straight from the documents.

The browser index holds, per gram, its (document, score) postings over the gram fields
and the title's characters: score = idf × Σ field boost × tf/(tf+1.2). Those fields are
character grams, code prefixes and characters (analysis.grams, id_terms, chars; tf is
counted as whoosh stores it, times the field's boost): no
jieba, no dictionary, so each document is analysed on its own — in a process pool for a
large corpus — and the postings are merged in document order. The whoosh index (the
command line's) indexes the same fields with the same analyses; `tests/test_search.py`
checks that the two give the same postings.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from generator.search import analysis
from generator.search.engine import CHAR_FIELD, GRAM_BOOST, GRAM_FIELDS, Doc, schema

# index field -> (the Doc attribute it indexes, its analysis)
FIELDS: dict[str, tuple[str, Callable[[str], list[str]]]] = {
    "title_g": ("title", analysis.grams),
    "org_g": ("org", analysis.grams),
    "body_g": ("body", analysis.grams),
    "ids": ("ids", analysis.id_terms),
    CHAR_FIELD: ("title", analysis.chars),
}
# whoosh stores a term's weight in a field as tf × the field's boost: the same here
FIELD_BOOST = {name: float(schema()[name].format.field_boost) for name in FIELDS}
POOL_FROM = 4_000  # documents: below this, one process is faster than starting workers


def doc_weights(doc: Doc) -> dict[str, float]:
    """One document's weight per exported term (characters of the title as "~" + char)."""
    out: dict[str, float] = {}
    for field in (*GRAM_FIELDS, CHAR_FIELD):
        attribute, terms = FIELDS[field]
        prefix = "~" if field == CHAR_FIELD else ""
        boost, stored_boost = GRAM_BOOST.get(field, 1.0), FIELD_BOOST[field]
        for term, count in Counter(terms(getattr(doc, attribute))).items():
            key, tf = prefix + term, count * stored_boost
            out[key] = out.get(key, 0.0) + boost * tf / (tf + 1.2)
    return out


def stored(doc: Doc) -> dict[str, Any]:
    """What the browser shows of a document (the fields the index stores)."""
    return {
        "id": doc.id,
        "kind": doc.kind,
        "title": doc.title,
        "url": doc.url,
        "region": doc.region,
        "department": doc.department,
        "department_name": doc.department_name,
        "amount": round(doc.amount),
        "sources": ",".join(doc.sources),
    }


def _weights(docs: list[Doc], workers: int | None) -> Iterator[dict[str, float]]:
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(docs) < POOL_FROM:
        return map(doc_weights, docs)
    return _pooled(docs, n)


def _pooled(docs: list[Doc], n: int) -> Iterator[dict[str, float]]:
    with ProcessPoolExecutor(max_workers=n) as pool:
        # results come back in document order and are merged as they arrive
        yield from pool.map(doc_weights, docs, chunksize=max(1, len(docs) // (n * 8)))


def postings(
    docs: Iterable[Doc], workers: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, list[tuple[int, float]]]]:
    """Stored fields per document number, and per gram its (document, score) postings,
    best first (ties by document number)."""
    docs = list(docs)
    per_term: dict[str, dict[int, float]] = {}
    for n, weights in enumerate(_weights(docs, workers)):
        for term, weight in weights.items():
            per_term.setdefault(term, {})[n] = weight
    return [stored(d) for d in docs], scored(per_term, len(docs))


def scored(per_term: Mapping[str, Mapping[int, float]], n_docs: int) -> dict[str, list[tuple[int, float]]]:
    """Each gram's (document, score) postings, best first (ties by document number)."""
    n_docs = max(1, n_docs)
    out: dict[str, list[tuple[int, float]]] = {}
    for term, per_doc in per_term.items():
        df = len(per_doc)
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        # sorted as (-score, doc): best first, ties by document number (no key function)
        ranked = sorted([(-w * idf, d) for d, w in per_doc.items()])
        out[term] = [(d, -negative) for negative, d in ranked]
    return out
