"""The search index's bucket merge (generator.search.merge): a merge that starts from the
cached one of the last run gives the entries a merge from nothing gives."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.search import merge as merging
from generator.search import postings
from generator.search.merge import merge_parts

GRAMS = [f"g{n}" for n in range(40)]


def _parts(rng: random.Random, docs: list[str], n_parts: int, tag: str) -> dict[str, dict]:
    """The documents dealt into parts (each document in one part), with random weights."""
    parts: dict[str, dict] = {f"{tag}{k}": {} for k in range(n_parts)}
    for doc in docs:
        grams = rng.sample(GRAMS, rng.randint(0, 8))
        parts[f"{tag}{rng.randrange(n_parts)}"][doc] = {g: round(rng.uniform(0.1, 3.0), 3) for g in grams}
    return parts


def _loaders(parts: dict[str, dict]) -> dict:
    return {name: (lambda part=part: part) for name, part in parts.items()}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 6), st.integers(0, 6))
def test_a_merge_from_the_cache_equals_a_merge_from_nothing(tmp_path_factory, seed, n_parts, n_changed):
    """Parts are kept, dropped and added between two runs (documents moving between parts,
    grams appearing and vanishing); the second run's merge from the first's cache equals
    a merge of its parts without a cache."""
    rng = random.Random(seed)
    cache = tmp_path_factory.mktemp("merge") / "0.pickle"
    docs = [f"d{n}" for n in range(30)]
    index = {d: n for n, d in enumerate(docs)}
    first = _parts(rng, docs, n_parts, "a")
    merge_parts(_loaders(first), index, len(docs), "k", cache)
    # the second run: some parts as they were, the documents of the others dealt anew
    kept = dict(rng.sample(sorted(first.items()), max(0, n_parts - n_changed)))
    rest = [d for d in docs if not any(d in part for part in kept.values())]
    second = kept | (_parts(rng, rest, max(1, n_changed), "b") if rest else {})
    warm = merge_parts(_loaders(second), index, len(docs), "k", cache)
    assert warm == merge_parts(_loaders(second), index, len(docs), "k")
    # and the cache it left serves a third run as well
    assert merge_parts(_loaders(first), index, len(docs), "k", cache) == merge_parts(
        _loaders(first), index, len(docs), "k"
    )


def test_only_the_grams_of_changed_parts_are_scored_again(tmp_path: Path, monkeypatch) -> None:
    docs = [f"d{n}" for n in range(200)]
    index = {d: n for n, d in enumerate(docs)}
    parts = {
        f"p{k}": {d: {f"{d}-{k}": 1.0, "shared": 0.5} for d in docs[k * 20 : k * 20 + 20]} for k in range(10)
    }
    cache = tmp_path / "0.pickle"
    full = merge_parts(_loaders(parts), index, len(docs), "k", cache)
    scored: list[int] = []
    real = postings.scored
    monkeypatch.setattr(
        postings, "scored", lambda per_term, n: scored.append(len(per_term)) or real(per_term, n)
    )
    changed = dict(parts)
    del changed["p3"]
    changed["p3-new"] = {d: {f"{d}-new": 2.0} for d in docs[60:80]}
    warm = merge_parts(_loaders(changed), index, len(docs), "k", cache)
    # the 20 new grams and "shared" (its postings lost 20 documents); the 20 gone are dropped
    assert scored == [21]
    assert warm == merge_parts(_loaders(changed), index, len(docs), "k")
    assert warm.keys() == (full.keys() - {f"{d}-3" for d in docs[60:80]}) | {f"{d}-new" for d in docs[60:80]}
    # another numbering of the documents (another key): everything is merged again
    scored.clear()
    merge_parts(_loaders(changed), index, len(docs), "other", cache)
    assert scored == [len(warm)]
    assert merging._load(cache, "k") is None  # the cache is the last run's only
