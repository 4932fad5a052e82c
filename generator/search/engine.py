"""The one module that imports whoosh (2.7.4, or a maintained fork with the same API:
swap it here and nowhere else).

One index, defined once, built from the records at build time: projects,
departments and the hand-written pages. Fields are searched twice over: as jieba
words (ranking) and as character bigrams (recall; also exported for the browser).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # whoosh 2.7.4 on Python 3.11: harmless SyntaxWarnings
    warnings.simplefilter("ignore")
    from whoosh import index as windex
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.query import And, AndMaybe, NumericRange, Or, Query, Term
    from whoosh.scoring import BM25F

from generator.search import analysis


class _Terms(Tokenizer):  # type: ignore[misc]
    """A whoosh tokenizer over one of generator.search.analysis's term functions."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Terms) and other.kind == self.kind

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = _ANALYSES[self.kind](value)
        for n, term in enumerate(terms):
            token.text = token.original = term
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + n
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(term)
            yield token


_ANALYSES = {
    "grams": analysis.grams,
    "words": analysis.words,
    "ids": analysis.id_terms,
    "chars": analysis.chars,
}
WORDS, GRAMS, IDS, CHARS = _Terms("words"), _Terms("grams"), _Terms("ids"), _Terms("chars")
GRAM_FIELDS = ("title_g", "org_g", "body_g", "ids")
GRAM_BOOST = {"title_g": 3.0, "org_g": 2.0, "body_g": 1.0, "ids": 3.0}
CHAR_FIELD = "title_c"  # exported to the browser as "~" + character


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=WORDS, stored=True, field_boost=3.0),
        org=TEXT(analyzer=WORDS, field_boost=2.0),
        body=TEXT(analyzer=WORDS),
        title_g=TEXT(analyzer=GRAMS, field_boost=3.0),
        org_g=TEXT(analyzer=GRAMS, field_boost=2.0),
        body_g=TEXT(analyzer=GRAMS),
        ids=TEXT(analyzer=IDS),  # project id and code, with their prefixes
        title_c=TEXT(analyzer=CHARS),  # the name's characters: what a misspelt query still shares
        topic=TEXT(analyzer=WORDS, vector=True),  # what "similar projects" compares
        region=ID(stored=True),
        department=ID(stored=True),
        department_name=STORED(),
        unit=STORED(),
        sources=KEYWORD(stored=True, commas=True),
        attribute=ID(stored=True),
        year=NUMERIC(stored=True),
        amount=NUMERIC(int, bits=64, stored=True, sortable=True),  # whole yuan
        url=STORED(),
    )


@dataclass(frozen=True)
class Doc:
    """One searchable thing, as the index and the browser see it."""

    id: str
    kind: str  # project | department | page
    title: str
    org: str  # department, unit, region
    body: str  # texts, goals, indicator names
    topic: str
    region: str
    department: str  # department key
    department_name: str
    unit: str
    sources: tuple[str, ...]
    attribute: str
    year: int
    amount: float
    url: str  # relative to the site root
    ids: str = ""  # project id and project code: found whole or by a prefix


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    department_name: str
    unit: str
    region: str
    amount: float
    url: str
    score: float
    exact: bool = True  # holds every gram of the query (or of a variant); else a partial match


def build_index(docs: Iterable[Doc], index_dir: Path, dictionary: Iterable[str]) -> int:
    """(Re)build the index in index_dir from scratch; returns the number of documents."""
    analysis.load_dictionary(dictionary)
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    ix = windex.create_in(str(index_dir), schema())
    writer = ix.writer(limitmb=256)
    n = 0
    for doc in docs:
        writer.add_document(
            id=doc.id,
            kind=doc.kind,
            title=doc.title,
            org=doc.org,
            body=doc.body,
            title_g=doc.title,
            org_g=doc.org,
            body_g=doc.body,
            ids=doc.ids,
            title_c=doc.title,
            topic=doc.topic,
            region=doc.region,
            department=doc.department,
            department_name=doc.department_name,
            unit=doc.unit,
            sources=",".join(doc.sources),
            attribute=doc.attribute,
            year=doc.year,
            amount=round(doc.amount),
            url=doc.url,
        )
        n += 1
    writer.commit(optimize=True)
    return n


def index_exists(index_dir: Path) -> bool:
    return index_dir.is_dir() and windex.exists_in(str(index_dir))


def _query(text: str, grams: list[str]) -> Query:
    # every gram must occur somewhere (a substring match); jieba words only add to the score
    required = And([Or([Term(f, g, boost=GRAM_BOOST[f]) for f in GRAM_FIELDS]) for g in grams])
    words = list(dict.fromkeys(analysis.words(text)))
    if not words:
        return required
    return AndMaybe(required, Or([Term(f, w) for w in words for f in ("title", "org", "body")]))


def _filter(
    region: str | None,
    department: str | None,
    source: str | None,
    min_amount: float | None,
    max_amount: float | None,
    kind: str | None,
) -> Query | None:
    parts: list[Query] = []
    if region:
        parts.append(Term("region", region))
    if department:
        parts.append(Term("department", department))
    if source:
        parts.append(Term("sources", source))
    if kind:
        parts.append(Term("kind", kind))
    if min_amount is not None or max_amount is not None:
        parts.append(NumericRange("amount", min_amount, max_amount))
    return And(parts) if parts else None


def _hit(fields: dict[str, Any], score: float, exact: bool = True) -> Hit:
    return Hit(
        fields["id"],
        fields["kind"],
        fields["title"],
        fields.get("department_name", ""),
        fields.get("unit", ""),
        fields.get("region", ""),
        fields.get("amount", 0.0),
        fields["url"],
        score,
        exact,
    )


def search(
    index_dir: Path,
    text: str,
    limit: int = 10,
    region: str | None = None,
    department: str | None = None,
    source: str | None = None,
    min_amount: float | None = None,
    max_amount: float | None = None,
    kind: str | None = None,
) -> list[Hit]:
    """The best `limit` documents for a query: first those holding every gram of the query
    or of one of its variants (short forms spelt out), by BM25; then, when those are fewer,
    the documents holding most of them (analysis.coverage), so a query that partly matches
    never comes back empty."""
    plans = [(v, g) for v in analysis.variants(text) if (g := list(dict.fromkeys(analysis.grams(v))))]
    if not plans:
        return []
    ix = windex.open_dir(str(index_dir))
    flt = _filter(region, department, source, min_amount, max_amount, kind)
    with ix.searcher(weighting=BM25F()) as searcher:
        exact: dict[int, Hit] = {}
        for variant, grams in plans:
            for r in searcher.search(_query(variant, grams), limit=limit, filter=flt):
                if r.docnum not in exact or exact[r.docnum].score < r.score:
                    exact[r.docnum] = _hit(dict(r), r.score)
        hits = sorted(exact.values(), key=lambda h: (-h.score, h.id))[:limit]
        if len(hits) < limit:
            allowed = set(searcher.docs_for_query(flt)) if flt is not None else None
            ranked = _partial(searcher, plans, allowed, set(exact))
            for docnum, score in ranked[: limit - len(hits)]:
                hits.append(_hit(searcher.stored_fields(docnum), score, exact=False))
    return hits


def _partial(
    searcher: Any, plans: list[tuple[str, list[str]]], allowed: set[int] | None, seen: set[int]
) -> list[tuple[int, float]]:
    """Documents holding part of a query, best covered first (analysis.coverage), each with
    its coverage as score; the same ranking search.js computes from the exported postings."""
    best: dict[int, float] = {}
    for variant, grams in plans:
        postings = {g: set(searcher.docs_for_query(Or([Term(f, g) for f in GRAM_FIELDS]))) for g in grams}
        chars = {c: set(searcher.docs_for_query(Term(CHAR_FIELD, c))) for c in analysis.chars(variant)}
        n_docs = searcher.doc_count_all()
        for docnum, score in analysis.coverage(postings, chars, n_docs).items():
            if docnum not in seen and (allowed is None or docnum in allowed) and score > best.get(docnum, 0):
                best[docnum] = score
    return sorted(best.items(), key=lambda x: (-x[1], x[0]))
