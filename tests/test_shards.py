"""Shards: the corpus made region by region on Dask gives the same content/ whatever runs
the tasks (this process, a local cluster, a cluster at an address), and after a change
only the shards whose inputs changed are made again."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from generator.corpus import build_corpus
from generator.generate import copy_handwritten, run_generate, shards
from generator.problems import Report
from generator.records import dump_record, load_records, load_yaml
from generator.settings import Settings
from generator.sources import load_sources
from tests.test_incremental import _hashes
from tests.test_site import _plain, make_site_project


def _copy_project(src: Path, dst: Path) -> Settings:
    for name in ("data", "templates"):
        shutil.copytree(src / name, dst / name)
    shutil.copyfile(src / "mkdocs.yml", dst / "mkdocs.yml")
    copy_handwritten(src / "content", dst / "content")
    return Settings(root=dst)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Settings:
    """The fixture project generated in this process (a small job: no cluster)."""
    paths = make_site_project(tmp_path_factory.mktemp("serial"))
    settings = Settings(root=paths.root)
    outcome = run_generate(settings)
    assert outcome.written and not outcome.report.errors
    assert outcome.shard_results and all(not r.cached for r in outcome.shard_results)
    return settings


def test_a_local_cluster_gives_the_same_content(serial: Settings, tmp_path: Path) -> None:
    parallel = _copy_project(serial.root, tmp_path).but(workers=2)
    outcome = run_generate(parallel)
    assert outcome.written and not outcome.report.errors
    workers = {r.worker for r in outcome.shard_results}
    assert len(workers) == 2, "two worker processes made the shards"
    assert _hashes(parallel.paths.content) == _hashes(serial.paths.content)


def test_a_local_clusters_workers_collect_garbage_as_the_command_does() -> None:
    import gc

    from generator.generate.runner import Runner

    with Runner(workers=2) as runner:
        runner.in_process(10_000)  # starts the local cluster
        thresholds = runner.client.run(gc.get_threshold)
        frozen = runner.client.run(gc.get_freeze_count)
    assert len(thresholds) == 2
    assert set(thresholds.values()) == {(50_000, 50, 100)}
    assert all(n > 0 for n in frozen.values()), "the imports are frozen out of collections"


def test_a_cluster_at_an_address_gives_the_same_content(serial: Settings, tmp_path: Path) -> None:
    from distributed import LocalCluster

    settings = _copy_project(serial.root, tmp_path)
    with LocalCluster(
        n_workers=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        outcome = run_generate(settings.but(scheduler=cluster.scheduler_address))
    assert outcome.written and not outcome.report.errors
    assert _hashes(settings.paths.content) == _hashes(serial.paths.content)


def test_a_change_makes_its_region_again_and_nothing_else(serial: Settings, tmp_path: Path) -> None:
    settings = _copy_project(serial.root, tmp_path)
    shutil.copytree(serial.paths.cache / "shards", settings.paths.cache / "shards")
    first = run_generate(settings)
    assert all(r.cached for r in first.shard_results), "same inputs: every shard is kept"
    path = sorted(settings.paths.records.glob("*.yaml"))[0]
    record = _plain(load_yaml(path))
    record["overview"] = "人工更正后的项目概述"
    path.write_text(dump_record(record), encoding="utf-8")
    second = run_generate(settings)
    made = {r.name.rsplit("-", 2)[0] for r in second.shard_results if not r.cached}
    slug = record["project_id"].split("-")[1]
    assert made == {slug}, f"only {slug}'s shards are made again, not {made}"
    assert any(r.cached for r in second.shard_results)
    page = settings.paths.content / "projects" / f"{record['project_id']}.md"
    assert "人工更正后的项目概述" in page.read_text(encoding="utf-8")


def test_a_large_region_is_split_by_departments(serial: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "PART_PROJECTS", 2)
    paths = serial.paths
    corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
    planned = shards.plan(corpus, {}, {}, paths.templates, serial.build_date)
    for region in corpus.regions:
        mine = [s for s in planned if s.slug == region.slug]
        assert sum(s.region_level for s in mine) == 1, "one shard makes the region's own page"
        made = [k for s in mine for k in s.departments]
        assert sorted(made) == sorted(d.key for d in region.departments), "every department once"
        if len(region.projects) > 2:
            assert len(mine) > 1
    assert len({s.name for s in planned}) == len(planned)


def test_served_copies_are_made_once_and_are_the_documents_text(
    serial: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document's served copy is its BOM and served_text's lines, written once into
    .cache/served/ (no process holds the texts); a later run copies it from there without
    decoding the document again, and a document no longer listed loses its file."""
    import generator.sources as sources_module
    from generator.sources import served_text

    settings = _copy_project(serial.root, tmp_path)
    listed = load_sources(settings.paths, Report()) or []
    run_generate(settings)
    store = settings.paths.cache / "served"
    corpus = build_corpus(load_records(settings.paths, Report()).records, listed)
    served = {doc.source.file: doc for r in corpus.regions for doc in r.documents}
    made = sorted(store.iterdir())
    texts = {s.file: served_text(settings.paths, s) for s in listed}
    assert len(made) == len({t[0] for t in texts.values() if t is not None}) > 1  # one per text
    for s in listed:
        if s.file not in served:  # a document without records has no page to link its copy
            continue
        sha, lines = texts[s.file]  # type: ignore[misc]
        name = sources_module.served_name(s, sha)
        copy = settings.paths.content / "sources" / name
        assert copy.read_bytes() == ("\ufeff" + "\n".join(lines)).encode("utf-8"), name
    before = _hashes(settings.paths.content)

    def refused(*args: object) -> None:
        raise AssertionError("a document was decoded again")

    monkeypatch.setattr(sources_module, "served_text", refused)
    shutil.rmtree(settings.paths.cache / "shards")  # every shard made again, from the copies
    shutil.rmtree(settings.paths.cache / "stamps", ignore_errors=True)  # generate is not skipped
    (store / f"{'0' * 64}-gone.txt").write_text("a document no longer listed", encoding="utf-8")
    again = run_generate(settings)
    assert again.written and not any(r.cached for r in again.shard_results)
    assert _hashes(settings.paths.content) == before == _hashes(serial.paths.content)
    assert sorted(store.iterdir()) == made
