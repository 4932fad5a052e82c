"""The search index's merge as tasks on the run's runner: one per bucket of grams, each
merging every shard's weights of that bucket with the pages' (search.merge.merge_parts),
again only where they changed when a cache is given."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from dask.delayed import delayed

from generator import stamps
from generator.generate.runner import Runner
from generator.generate.shards import ShardResult
from generator.search import BUCKETS, Merge
from generator.search.merge import Part, merge_parts

Weights = dict[str, dict[str, float]]  # a bucket's weights: document id -> gram -> weight


def _read(path: Path) -> Part:
    part: Part = pickle.loads(path.read_bytes())
    return part


def merge_bucket(b: int, folders: list[Path], inputs: Path, cache: Path | None) -> dict[str, str]:
    """A task: bucket b of the search index's grams, merged from every shard's weights and
    the pages' (search.merge.merge_parts: again only where they changed, with `cache`)."""
    index, n_docs, pages, key = pickle.loads(inputs.read_bytes())
    parts: dict[str, Callable[[], Part]] = {
        f.name: functools.partial(_read, f / "search" / f"{b}.pickle") for f in folders
    }
    page_part = pages[b]  # named by its content: the pages' text can change under the same name
    parts[f"pages-{hashlib.sha256(pickle.dumps(page_part)).hexdigest()[:16]}"] = lambda: page_part
    return merge_parts(parts, index, n_docs, key, cache / f"{b}.pickle" if cache is not None else None)


def search_entries(
    results: Sequence[ShardResult], root: Path, runner: Runner, cache: Path | None = None
) -> Merge:
    """run_search_index's merge: one task per bucket, on the run's runner; with `cache`, a
    folder for each bucket's last merge (merge_parts)."""

    def entries(index: dict[str, int], n_docs: int, pages: list[Weights]) -> dict[str, str]:
        folders = [(root / r.name).resolve() for r in results]
        # the numbering of the documents, and the code that weighs and scores them
        key = hashlib.sha256(f"{stamps.code_version()}\0{n_docs}\0".encode())
        key.update("\n".join(index).encode())
        inputs = root.resolve() / f".search-{os.getpid()}-{uuid.uuid4().hex[:8]}.pickle"
        data = (index, n_docs, pages, key.hexdigest())
        inputs.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        at = cache.resolve() if cache is not None else None
        try:
            tasks = [
                delayed(merge_bucket, pure=False)(b, folders, inputs, at, dask_key_name=f"search-{b}")
                for b in range(BUCKETS)
            ]
            out: dict[str, str] = {}
            for part in runner.compute(tasks):
                out.update(part)
            return out
        finally:
            inputs.unlink(missing_ok=True)

    return entries
