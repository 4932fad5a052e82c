"""The whoosh index's postings, exported in the browser index's form. The site computes
them from the documents instead (postings.py); this export is the reference
tests/test_search.py compares them with. Like engine.py, a module that uses whoosh's API
(through engine's index)."""

from __future__ import annotations

import math
from typing import Any

from generator.search.engine import CHAR_FIELD, GRAM_BOOST, GRAM_FIELDS, Path, windex


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
