"""Shards: the corpus partitioned by region, each region produced by one task on Dask.

A shard is one region (a county: all its documents, so all its years). Its task writes
the region's project, department and region pages with their charts, the served copies
of its documents, its downloads (region and department tables), its API files, its rows
of the corpus-wide tables and its documents' search weights, into
`<cache>/shards/<slug>-<key>/`. The key is a hash of everything the task reads: the
region's records and documents, the titles and similar projects its pages show from
other regions, the templates, the build date and the code. A task whose folder exists
is not run again, and its folder is written whole or not at all (idempotent), so after
one county's new document only that county's shard is made again; the national steps
(home, indexes, 数据质量, the corpus-wide tables, the search index's top level) then run
from the shards' outputs.

The tasks run on Dask (generator.generate.runner): a local cluster using every core by
default (`workers`), or the cluster at `scheduler` (its workers must see the project
directory at the same path). When the shards to make are few and small, they run in
this process on Dask's synchronous scheduler: starting a cluster would cost more than it
saves. The search index's buckets are then merged by one task each (merge_bucket), on
the same runner.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import resource
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import dask
import pydantic_core
from dask.delayed import Delayed, delayed

from generator import stamps
from generator.corpus import Corpus, Department, Region
from generator.generate.pages import write_region_pages
from generator.generate.runner import Runner
from generator.generate.similar import SimilarLink
from generator.publish import TABLE_TASKS, publish_shard, publish_table
from generator.search import shard_weights

PART_PROJECTS = 40  # a region with more projects is split: its own part, then department groups
DONE = "result.json"
MANIFEST = "manifest.json"  # each file of the tree: size and modification time


@dataclass(frozen=True)
class Shard:
    """One task's inputs: a region's slice of the corpus, which of its parts to make and
    what its pages show of other regions. A region of up to PART_PROJECTS projects is one
    shard; a larger one is a shard for the region's own page, tables and documents, and
    shards of consecutive departments of about PART_PROJECTS projects each."""

    slug: str
    part: int
    key: str  # hash of the inputs (shard_key)
    corpus: Corpus
    departments: tuple[str, ...]  # the keys of the departments it makes
    region_level: bool  # it makes the region's page, charts, tables and served copies
    similar: dict[str, list[SimilarLink]]
    texts: dict[str, Path]  # served name -> the file of our copy of the document (served_copy)
    templates: Path
    build_date: str
    compiled: Path | None = None  # Jinja's bytecode cache (pages.environment)

    @property
    def name(self) -> str:
        return f"{self.slug}-{self.part}-{self.key[:20]}"

    @property
    def projects(self) -> int:
        return sum(len(d.projects) for d in self.made_departments)

    @property
    def made_departments(self) -> list[Department]:
        return [d for d in self.corpus.regions[0].departments if d.key in self.departments]


@dataclass(frozen=True)
class ShardResult:
    name: str
    pages: int
    files: int
    seconds: float
    peak_mb: int  # the process that made it (0: made by an earlier run)
    worker: str  # its process: host:pid ("" when made by an earlier run)
    cached: bool
    tables: tuple[str, ...] = ()  # the entries of the table cache its downloads were made from


def region_slice(corpus: Corpus, region: Region, departments: list[Department] | None = None) -> Corpus:
    """The corpus as one task sees it: its region, whole or (a part) cut to some of its
    departments, and the titles of their projects and of the projects their notes name."""
    if departments is not None:
        cut = replace(region, departments=[])
        cut.departments = [replace(d, region=cut) for d in departments]
        region = cut
    projects = sorted(region.projects, key=lambda p: p.project_id)
    named = {i for p in projects for n in p.quality_notes for i in n.related}
    wanted = {p.project_id for p in projects} | named
    return Corpus(
        [region],
        projects,
        {p.project_id: d for d in region.departments for p in d.projects},
        {doc.source.file: doc for doc in region.documents},
        {pid: corpus.titles[pid] for pid in sorted(wanted) if pid in corpus.titles},
    )


def shard_key(shard: Corpus, similar: dict[str, list[SimilarLink]], fixed: str) -> str:
    """A hash of everything a shard's task reads: its region's documents, its departments
    and their records, the titles and the similar links; `fixed` covers the code, the
    templates, the build date and which part of the region it makes."""
    digest = hashlib.sha256(fixed.encode())
    region = shard.regions[0]
    head: list[Any] = [region.slug, region.name, region.province, region.prefecture]
    head += [[d.source.model_dump(mode="json"), d.served] for d in region.documents]
    head += [[d.key, d.code, d.name, sorted(d.repeats)] for d in region.departments]
    digest.update(json.dumps(head, ensure_ascii=False, sort_keys=True, default=str).encode())
    for p in shard.projects:
        digest.update(p.model_dump_json().encode())
        # pydantic-core's encoder: a tenth of json.dumps over dataclasses.asdict (1.5 s at 10×)
        digest.update(pydantic_core.to_json(similar.get(p.project_id, [])))
    digest.update(json.dumps(shard.titles, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def plan(
    corpus: Corpus,
    similar: dict[str, list[SimilarLink]],
    docs: dict[str, tuple[str, Path]],
    templates: Path,
    build_date: str,
    compiled: Path | None = None,
) -> list[Shard]:
    """One shard per region, in the regions' order. `compiled`: Jinja's bytecode cache."""
    templates = templates.resolve()  # read by the workers, wherever they run
    compiled = compiled.resolve() if compiled is not None else None
    fixed = f"{stamps.code_version()} {stamps.tree_digest(templates)} {build_date}"
    out = []
    for region in corpus.regions:
        texts = {d.served: docs[d.source.file][1] for d in region.documents if d.served}
        depts_of = region.departments
        groups = [[depts_of[i] for i in g] for g in part_groups([len(d.projects) for d in depts_of])]
        parts = [(groups[0], True)] if len(groups) == 1 else [([], True), *((g, False) for g in groups)]
        for n, (depts, region_level) in enumerate(parts):
            part = region_slice(corpus, region, None if region_level else depts)
            mine = {p.project_id: similar[p.project_id] for p in part.projects if p.project_id in similar}
            key = shard_key(part, mine, f"{fixed} {n} {region_level}")
            keys = tuple(d.key for d in depts)
            mine_texts = texts if region_level else {}
            out.append(
                Shard(
                    region.slug,
                    n,
                    key,
                    part,
                    keys,
                    region_level,
                    mine,
                    mine_texts,
                    templates,
                    build_date,
                    compiled,
                )
            )
    return out


def part_groups(sizes: Sequence[int]) -> list[list[int]]:
    """Consecutive departments (by their project counts) in groups of about PART_PROJECTS
    projects: their indices; one group when the region is no larger."""
    groups: list[list[int]] = [[]]
    total = 0
    for n, size in enumerate(sizes):
        if groups[-1] and total + size > PART_PROJECTS:
            groups.append([])
            total = 0
        groups[-1].append(n)
        total += size
    return groups


def _count_files(tree: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(tree))


def render_shard(shard: Shard, root: Path, table_cache: Path | None = None) -> Path:
    """The shard's task: its folder under root, made unless it exists. Returns the folder.
    `table_cache`: written tables by the hash of their rows (publish_shard)."""
    done = root / shard.name
    if (done / DONE).is_file():
        return done
    start = time.perf_counter()
    tmp = root / f".{shard.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    try:
        tree = tmp / "tree"
        tree.mkdir(parents=True)
        depts, regions = shard.made_departments, shard.corpus.regions if shard.region_level else []
        pages = write_region_pages(
            shard.corpus,
            shard.templates,
            tree,
            shard.similar,
            depts,
            regions,
            shard.compiled,
        )
        if shard.texts:
            (tree / "sources").mkdir()
            for served, copy in sorted(shard.texts.items()):
                # copied, not linked: content/ links to the tree's file, and a hand edit
                # there must not reach the store every later run copies from
                shutil.copyfile(copy, tree / "sources" / served)
        tables = publish_shard(depts, regions, tree, shard.build_date, tmp / "rows", table_cache)
        (tmp / "search").mkdir()
        for b, part in enumerate(shard_weights(shard.corpus, depts)):
            (tmp / "search" / f"{b}.pickle").write_bytes(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
        result = {
            "pages": pages,
            "files": _count_files(tree),
            "seconds": round(time.perf_counter() - start, 2),
            "peak_mb": peak_mb(),
            "worker": f"{os.uname().nodename}:{os.getpid()}",
            "tables": sorted(set(tables)),
        }
        (tmp / MANIFEST).write_text(json.dumps(stamps.file_states(tree), sort_keys=True), encoding="utf-8")
        (tmp / DONE).write_text(json.dumps(result), encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # nothing half-made is left
        raise
    try:
        os.replace(tmp, done)  # whole or not at all
    except OSError:  # another run made it meanwhile: the same bytes (same key)
        shutil.rmtree(tmp, ignore_errors=True)
    return done


def peak_mb() -> int:
    """This process's peak resident memory: VmHWM where Linux has it (ru_maxrss keeps the
    peak of the process that started a worker, across exec), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def intact(folder: Path) -> bool:
    """The shard's folder is whole and its files are as its task left them (stamps.file_states:
    size and modification time). content/ holds links to them, so a hand edit of content/
    changes them: such a shard is made again."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return (folder / DONE).is_file() and manifest == stamps.file_states(folder / "tree")
    except (OSError, ValueError):
        return False


def render_from(inputs: Path, root: Path, table_cache: Path | None = None) -> Path:
    """A shard's task as the graph holds it: its inputs' file, read by the worker."""
    shard: Shard = pickle.loads(inputs.read_bytes())
    return render_shard(shard, root, table_cache)


def result_of(folder: Path, cached: bool) -> ShardResult:
    data = json.loads((folder / DONE).read_text(encoding="utf-8"))
    if cached:
        data.update(seconds=0.0, peak_mb=0, worker="")
    data["tables"] = tuple(data.get("tables", ()))
    return ShardResult(folder.name, cached=cached, **data)


Tables = dict[str, tuple[int, list[str]]]  # per corpus-wide table: its rows and cache entries


def run_shards(
    shards: Sequence[Shard], root: Path, downloads: Path, table_cache: Path, runner: Runner
) -> tuple[list[ShardResult], Callable[[], Tables]]:
    """Make the shards not made yet, then the corpus-wide tables from all shards' rows
    (publish.TABLE_TASKS). Returns each shard's result as soon as the shards are made, and
    a function that waits for the tables (on a cluster they are written while the caller
    goes on: the search index is merged meanwhile) and returns, per table, its rows and
    cache entries. Shard folders of earlier runs that this corpus no longer has are removed."""
    # absolute paths: a cluster's workers do not share this process's working directory
    root, downloads, table_cache = root.resolve(), downloads.resolve(), table_cache.resolve()
    root.mkdir(parents=True, exist_ok=True)
    todo = [s for s in shards if not intact(root / s.name)]
    for s in todo:
        shutil.rmtree(root / s.name, ignore_errors=True)
    size = sum(s.projects for s in todo)
    # each task reads its inputs from a file: the graph stays small (a few KB per task)
    # however large the regions, and a worker holds one shard's records at a time; in this
    # process (a rebuild of a shard or two) the shard is handed over as it is
    inputs = root / f".inputs-{os.getpid()}-{uuid.uuid4().hex[:8]}"  # this run's own
    inputs.mkdir()
    if runner.in_process(size):
        made: list[Delayed] = [
            delayed(render_shard, pure=False)(
                delayed(s, name=f"inputs-{s.name}", traverse=False),  # not walked into by Dask
                root,
                table_cache,
                dask_key_name=f"shard-{s.name}",
            )
            for s in todo
        ]
    else:
        for s in todo:
            (inputs / f"{s.name}.pickle").write_bytes(pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL))
        made = [
            delayed(render_from, pure=False)(
                inputs / f"{s.name}.pickle", root, table_cache, dask_key_name=f"shard-{s.name}"
            )
            for s in todo
        ]
    folders = [root / s.name for s in shards]
    by_name = {s.name: task for s, task in zip(todo, made, strict=True)}
    ready = [by_name.get(f.name, f) for f in folders]
    args = (ready, downloads, shards[0].build_date if shards else "", table_cache)
    tables: list[Delayed] = []
    for n, (name, formats) in enumerate(TABLE_TASKS):
        with dask.annotate(priority=len(TABLE_TASKS) - n):  # in TABLE_TASKS' order
            key = f"table-{name}-{formats[0]}"
            tables.append(delayed(publish_table, pure=False)(name, formats, *args, dask_key_name=key))
    try:
        outputs, written = runner.compute_then(made, tables, size)
    finally:
        shutil.rmtree(inputs, ignore_errors=True)
    fresh = {Path(p).name for p in outputs}
    results = [result_of(f, f.name not in fresh) for f in folders]
    _prune(root, {f.name for f in folders})

    def counts() -> Tables:
        out: Tables = {}
        for name, rows, keys in written():
            out.setdefault(name, (rows, []))[1].extend(keys)
        return out

    return results, counts


def _prune(root: Path, keep: set[str]) -> None:
    """Shard folders this corpus no longer has, and what a crashed run left (a day old)."""
    for old in root.iterdir():
        stale = old.name.startswith(".") and time.time() - old.stat().st_mtime > 86_400
        if stale or (old.name not in keep and not old.name.startswith(".")):
            shutil.rmtree(old, ignore_errors=True)


def assemble(results: Sequence[ShardResult], root: Path, content: Path) -> None:
    """The shards' trees into content/ as hard links (copies across file systems): a
    shard's files are written once. A hand edit of content/ reaches the shard's folder,
    which is then no longer intact() and is made again."""
    for r in results:
        shutil.copytree(root / r.name / "tree", content, copy_function=_link, dirs_exist_ok=True)


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
