"""The index's other readers: 相似项目 of every project, and the postings exported to the
browser index. Like engine.py, a module that uses whoosh's API (through engine's index)."""

from __future__ import annotations

import math
from typing import Any

from whoosh.query import Or

from generator.search.engine import CHAR_FIELD, GRAM_BOOST, GRAM_FIELDS, Path, Term, windex


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
        for field in (*GRAM_FIELDS, CHAR_FIELD):
            prefix = "~" if field == CHAR_FIELD else ""  # a name's characters, apart from the grams
            for raw in reader.lexicon(field):
                term = prefix + (raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                per_doc = weights.setdefault(term, {})
                boost = GRAM_BOOST.get(field, 1.0)
                matcher = reader.postings(field, raw)
                while matcher.is_active():
                    tf = matcher.weight()
                    per_doc[matcher.id()] = per_doc.get(matcher.id(), 0.0) + boost * tf / (tf + 1.2)
                    matcher.next()
    postings: dict[str, list[tuple[int, float]]] = {}
    for term, per_doc in weights.items():
        df = len(per_doc)
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        postings[term] = sorted(((d, w * idf) for d, w in per_doc.items()), key=lambda x: (-x[1], x[0]))
    return docs, postings
