"""The one module that imports whoosh (2.7.4, or a maintained fork with the same API:
swap it here and nowhere else).

One index, defined once, built from the records at build time: projects,
departments and the hand-written pages. Fields are searched twice over: as jieba
words (ranking) and as character bigrams (recall; also exported for the browser).
"""

from __future__ import annotations

import math
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
        terms = analysis.grams(value) if self.kind == "grams" else analysis.words(value)
        for n, term in enumerate(terms):
            token.text = token.original = term
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + n
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(term)
            yield token


WORDS, GRAMS = _Terms("words"), _Terms("grams")
GRAM_FIELDS = ("title_g", "org_g", "body_g")
GRAM_BOOST = {"title_g": 3.0, "org_g": 2.0, "body_g": 1.0}


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


def _query(text: str) -> Query | None:
    grams = list(dict.fromkeys(analysis.grams(text)))
    if not grams:
        return None
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


def _hit(fields: dict[str, Any], score: float) -> Hit:
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
    query = _query(text)
    if query is None:
        return []
    ix = windex.open_dir(str(index_dir))
    with ix.searcher(weighting=BM25F()) as searcher:
        results = searcher.search(
            query, limit=limit, filter=_filter(region, department, source, min_amount, max_amount, kind)
        )
        return [_hit(dict(r), r.score) for r in results]


def _key_terms(reader: Any, docnum: int, n_docs: int, count: int) -> list[str]:
    """The document's most telling topic words: frequent in it, rare in the corpus.

    Very common words (in more than 1/20 of the documents) are left out: they cost the
    most to look up and tell the least, which keeps "similar projects" linear in the
    corpus instead of quadratic.
    """
    scored = []
    for term, weight in reader.vector_as("weight", docnum, "topic"):
        df = reader.doc_frequency("topic", term)
        if len(term) < 2 or df > max(20, n_docs // 20):
            continue
        scored.append((weight * math.log(n_docs / (1 + df)), term))
    return [t for _, t in sorted(scored, reverse=True)[:count]]


def similar(index_dir: Path, per_project: int = 5, key_terms: int = 6) -> dict[str, list[str]]:
    """For every project, the most similar projects in *other* departments.

    The "projects only" filter and each department's mask are computed once, not per
    query: whoosh would otherwise rebuild them from the postings every time.
    """
    ix = windex.open_dir(str(index_dir))
    out: dict[str, list[str]] = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        n_docs = searcher.doc_count_all()
        projects = set(searcher.docs_for_query(Term("kind", "project")))
        masks: dict[str, set[int]] = {}
        for docnum in sorted(projects):
            fields = searcher.stored_fields(docnum)
            terms = _key_terms(reader, docnum, n_docs, key_terms)
            if not terms:
                out[fields["id"]] = []
                continue
            dept = fields["department"]
            if dept not in masks:
                masks[dept] = set(searcher.docs_for_query(Term("department", dept)))
            found = searcher.search(
                Or([Term("topic", t) for t in terms]), limit=per_project, filter=projects, mask=masks[dept]
            )
            out[fields["id"]] = [hit["id"] for hit in found]
    return out


def export_postings(index_dir: Path) -> tuple[list[dict[str, Any]], dict[str, list[tuple[int, float]]]]:
    """Stored fields per document number, and per gram its (document, score) postings.

    The score is BM25-like: idf × Σ field boost × tf/(tf+1.2), over the three gram fields.
    """
    ix = windex.open_dir(str(index_dir))
    with ix.reader() as reader:
        docs = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        n_docs = max(1, len(docs))
        weights: dict[str, dict[int, float]] = {}
        for field in GRAM_FIELDS:
            for raw in reader.lexicon(field):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                per_doc = weights.setdefault(term, {})
                matcher = reader.postings(field, raw)
                while matcher.is_active():
                    tf = matcher.weight()
                    per_doc[matcher.id()] = per_doc.get(matcher.id(), 0.0) + GRAM_BOOST[field] * tf / (
                        tf + 1.2
                    )
                    matcher.next()
    postings: dict[str, list[tuple[int, float]]] = {}
    for term, per_doc in weights.items():
        df = len(per_doc)
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        postings[term] = sorted(((d, w * idf) for d, w in per_doc.items()), key=lambda x: (-x[1], x[0]))
    return docs, postings
