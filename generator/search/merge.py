"""One bucket of the browser index's grams, merged from the shards' weights; after a
change, merged again only where it changed.

A bucket's merge is kept in `<cache>/<bucket>.pickle`: every gram's weights per document
and its entry (entry_json), and the names of the parts it was made from with the
documents each gave (a shard's part is named by its folder, whose name is the hash of
the shard's inputs). When the documents are numbered as before (same documents, same
order, same code), the next merge starts from the cached one: it drops the weights of
the documents of parts that are gone, adds those of the new parts and scores again only
the grams whose postings changed. After a hand correction those are the grams of one
region's shards, not every gram. Otherwise (other documents, other code, or most parts
new) everything is merged, as the first time. Either way the entries are the same
(tests/test_search_merge.py).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.search import entry_json, postings

Part = Mapping[str, Mapping[str, float]]  # document id -> gram -> weight


@dataclass
class _State:
    key: str
    parts: dict[str, list[int]] = field(default_factory=dict)  # part name -> its documents
    per_term: dict[str, dict[int, float]] = field(default_factory=dict)  # gram -> document -> weight
    entries: dict[str, str] = field(default_factory=dict)  # gram -> entry_json


def _load(cache: Path, key: str) -> _State | None:
    try:
        state = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    return state if isinstance(state, _State) and state.key == key else None


def _store(cache: Path, state: _State) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    part = cache.with_name(f".{cache.name}.{os.getpid()}")
    part.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, cache)


def _drop(state: _State, gone: set[str]) -> set[str]:
    """Remove the weights of the documents of the parts gone; returns the grams they had."""
    documents: set[int] = set()
    for name in gone:
        documents.update(state.parts.pop(name))
    touched: set[str] = set()
    if documents:
        for term, per_doc in state.per_term.items():
            if not per_doc.keys().isdisjoint(documents):
                for n in documents & per_doc.keys():
                    del per_doc[n]
                touched.add(term)
    return touched


def merge_parts(
    parts: Mapping[str, Callable[[], Part]],
    index: Mapping[str, int],
    n_docs: int,
    key: str,
    cache: Path | None = None,
) -> dict[str, str]:
    """Every gram's entry in one bucket, from its parts (name -> how to read it). `key`
    names the numbering of the documents (and the code): a cached merge of another key
    is not used."""
    state = _load(cache, key) if cache is not None else None
    names = set(parts)
    if state is None or 2 * len(names - state.parts.keys()) > len(names):
        state, touched = _State(key), None  # everything, from the parts
    else:
        touched = _drop(state, state.parts.keys() - names)
    for name in sorted(names - state.parts.keys()):
        documents = []
        for doc_id, weights in parts[name]().items():
            n = index[doc_id]
            documents.append(n)
            for term, weight in weights.items():
                state.per_term.setdefault(term, {})[n] = weight
            if touched is not None:
                touched.update(weights)
        state.parts[name] = documents
    if touched is None:  # every gram
        scored = postings.scored(state.per_term, n_docs)
    else:
        for term in touched:
            if not state.per_term.get(term):  # all its documents gone
                state.per_term.pop(term, None)
                state.entries.pop(term, None)
        scored = postings.scored({t: state.per_term[t] for t in touched if t in state.per_term}, n_docs)
    state.entries.update((term, entry_json(plist)) for term, plist in scored.items())
    if cache is not None:
        _store(cache, state)
    return state.entries
