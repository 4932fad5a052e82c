"""相似项目: for each project, the projects of other departments that are the same kind of
spending, each with the reason, or none rather than a poor match.

Two projects are alike by their names and their indicators: similarity =
NAME_WEIGHT × Jaccard(character bigrams of the two names) + (1 − NAME_WEIGHT) ×
Jaccard(their indicator names), or the name part alone when either has no indicator.
Only pairs at MIN_SIMILARITY or more are shown (stated in the methodology). Candidates
come from MinHash LSH (datasketch) over both feature sets, so the work grows with the
corpus, not with its square; the similarity shown is the exact one, never the estimate.

What the result depends on (each project's department, features, name and annual total)
is hashed; with a cache file given, a run with the same hash reads the last result (a hand
correction of a project's overview or a goal changes none of it) and datasketch, with
the SciPy it imports, is not even loaded.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import stamps
from generator.corpus import Corpus, annual_total
from generator.model import Record
from generator.search.analysis import normalise

if TYPE_CHECKING:
    from datasketch import MinHash

MIN_SIMILARITY = 0.5
NAME_WEIGHT = 0.6
PER_PROJECT = 5
MAX_CANDIDATES = 200  # per project: near-identical twins beyond this add nothing new
POOL_FROM = 2_000  # projects: below this one process is faster than forking workers
CHUNK = 256  # projects a worker looks up at a time
NUM_PERM = 64
LSH_THRESHOLD = 0.3  # below MIN_SIMILARITY: LSH only proposes, the exact score decides
# words every budget line may carry: they do not make two projects alike
_GENERIC = re.compile(r"项目|经费|资金|专项|补助|补贴|费用|工作|年度|\d+年|[\d.]+万?元|[（(][^）)]*[）)]|\d+")


@dataclass(frozen=True, slots=True)  # 5 per project: no __dict__ each
class SimilarLink:
    """A similar project as its page shows it: it may be in another shard, so its figures
    travel with the link rather than the record."""

    project_id: str
    title: str
    department: str
    region: str
    annual: float | None
    reason: str
    score: float


@dataclass(frozen=True, slots=True)
class Similar:
    project_id: str
    score: float
    reason: str


def _name_grams(rec: Record) -> frozenset[str]:
    core = _GENERIC.sub(" ", normalise(rec.project_name))
    runs = re.findall(r"[\u4e00-\u9fff]+", core)
    return frozenset(run[i : i + 2] for run in runs for i in range(len(run) - 1))


def _indicator_names(rec: Record) -> frozenset[str]:
    return frozenset(normalise(i.name) for i in rec.indicators if i.name)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


Features = tuple[frozenset[str], frozenset[str]]  # name bigrams, indicator names


def features(rec: Record) -> Features:
    return _name_grams(rec), _indicator_names(rec)


def _score(a: Features, b: Features) -> float:
    names = _jaccard(a[0], b[0])
    ia, ib = a[1], b[1]
    if not ia or not ib:
        return round(names, 4)
    return round(NAME_WEIGHT * names + (1 - NAME_WEIGHT) * _jaccard(ia, ib), 4)


def _common_words(a: str, b: str) -> str:
    """The longest run of characters the two names share (at least two), generic words aside."""
    x, y = _GENERIC.sub(" ", normalise(a)), _GENERIC.sub(" ", normalise(b))
    best = ""
    for i in range(len(x)):
        for j in range(i + len(best) + 1, len(x) + 1):
            piece = x[i:j]
            if " " in piece or piece not in y:
                break
            best = piece
    return best if len(best) >= 2 else ""


def reason(
    a: Record, b: Record, features_a: Features | None = None, features_b: Features | None = None
) -> str:
    """Why the two are alike, in words (features: theirs, when already computed)."""
    parts = []
    if words := _common_words(a.project_name, b.project_name):
        parts.append(f"名称同含“{words}”")
    names_a = features_a[1] if features_a else _indicator_names(a)
    names_b = features_b[1] if features_b else _indicator_names(b)
    shared = len(names_a & names_b)
    if shared >= 2:
        parts.append(f"{shared} 项绩效指标相同")
    return "，".join(parts) or "名称和指标相近"


@functools.cache
def _first() -> MinHash:
    """A MinHash whose permutations the others share: drawing them again from the seed for
    each project cost three times as much as hashing its features (the same values)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def _minhash(found: frozenset[str]) -> MinHash:
    from datasketch import MinHash

    first = _first()
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=first.permutations, scheme=first.scheme)
    m.update_batch([f.encode("utf-8") for f in sorted(found)])
    return m


def _inputs_key(corpus: Corpus, projects: list[Record], feats: dict[str, Features]) -> str:
    """A hash of all that similar_projects reads of each project."""
    rows = [
        [
            p.project_id,
            corpus.department_of[p.project_id].key,
            p.project_name,
            str(annual_total(p)),
            sorted(feats[p.project_id][0]),
            sorted(feats[p.project_id][1]),
        ]
        for p in projects
    ]
    data = json.dumps([stamps.code_version(), rows], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def similar_projects(corpus: Corpus, cache: Path | None = None, workers: int = 1) -> dict[str, list[Similar]]:
    """Each project's alike projects in other departments, most alike first (then the larger).
    Each project's features are computed once; the reason is worded only for the pairs shown.
    `cache`: a file holding the last result with the hash of its inputs. `workers`: the
    processes that look up the projects' candidates (from POOL_FROM projects on)."""
    projects = sorted(corpus.projects, key=lambda p: p.project_id)
    feats = {p.project_id: features(p) for p in projects}
    key = _inputs_key(corpus, projects, feats)
    if cache is not None:
        try:
            stored_key, stored = pickle.loads(cache.read_bytes())
            if stored_key == key:
                return stored  # type: ignore[no-any-return]
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            pass
    out = _similar(corpus, projects, feats, workers)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        part = cache.with_name(f".{cache.name}.{os.getpid()}")
        part.write_bytes(pickle.dumps((key, out), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(part, cache)
    return out


@dataclass(frozen=True)
class _Index:
    """The LSH index of every project and what scoring a candidate reads."""

    lsh: Any  # datasketch.MinHashLSH
    hashes: dict[str, MinHash]
    feats: dict[str, Features]
    by_id: dict[str, Record]
    annual: dict[str, float]
    dept_of: dict[str, str]


_INHERITED: _Index | None = None  # the index, as the forked workers inherit it


def _similar(
    corpus: Corpus, projects: list[Record], feats: dict[str, Features], workers: int
) -> dict[str, list[Similar]]:
    global _INHERITED
    from datasketch import MinHashLSH  # imports SciPy: about a second, only when needed

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[str, MinHash] = {}
    for p in projects:
        names, indicators = feats[p.project_id]
        found = names | {f"指标:{n}" for n in indicators}
        if found:
            hashes[p.project_id] = _minhash(found)
            lsh.insert(p.project_id, hashes[p.project_id])
    index = _Index(
        lsh,
        hashes,
        feats,
        {p.project_id: p for p in projects},
        {p.project_id: annual_total(p) for p in projects},
        {p.project_id: corpus.department_of[p.project_id].key for p in projects},
    )
    ids = [p.project_id for p in projects]
    if workers <= 1 or len(ids) < POOL_FROM:
        return dict(_alike(index, ids))
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    _INHERITED = index  # the workers are forked: nothing of the index is pickled
    gc.freeze()  # the workers' collector leaves the inherited objects (and their pages) alone
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=fork) as pool:
            return {pid: found for part in pool.map(_alike_inherited, chunks) for pid, found in part}
    finally:
        gc.unfreeze()
        _INHERITED = None


def _alike_inherited(ids: list[str]) -> list[tuple[str, list[Similar]]]:
    assert _INHERITED is not None, "called in a worker forked by _similar"
    return _alike(_INHERITED, ids)


def _alike(index: _Index, ids: list[str]) -> list[tuple[str, list[Similar]]]:
    """The similar projects of each of these projects, from the index."""
    out: list[tuple[str, list[Similar]]] = []
    for pid in ids:
        if pid not in index.hashes:
            out.append((pid, []))
            continue
        dept, mine = index.dept_of[pid], index.feats[pid]
        scored = []
        for other_id in sorted(index.lsh.query(index.hashes[pid]))[:MAX_CANDIDATES]:
            if other_id == pid or index.dept_of[other_id] == dept:
                continue
            score = _score(mine, index.feats[other_id])
            if score >= MIN_SIMILARITY:
                scored.append((-score, -index.annual[other_id], other_id))
        scored.sort()
        p = index.by_id[pid]
        found = [
            Similar(other_id, -neg, reason(p, index.by_id[other_id], mine, index.feats[other_id]))
            for neg, _, other_id in scored[:PER_PROJECT]
        ]
        out.append((pid, found))
    return out


def similar_links(corpus: Corpus, found: dict[str, list[Similar]]) -> dict[str, list[SimilarLink]]:
    """Each project's similar projects with what its page shows of them."""
    by_id = {p.project_id: p for p in corpus.projects}

    def link(s: Similar) -> SimilarLink:
        other, dept = by_id[s.project_id], corpus.department_of[s.project_id]
        total = other.funds.annual.total
        annual = None if total is None else float(total)
        return SimilarLink(
            s.project_id, corpus.title(other), dept.name, dept.region.name, annual, s.reason, s.score
        )

    return {pid: [link(s) for s in items] for pid, items in found.items() if items}
