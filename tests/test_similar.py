"""相似项目 cached by its inputs: a change it does not read keeps the cached result, one it
reads computes it again, and either way the result is what an uncached run gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.corpus import Corpus, build_corpus
from generator.generate.similar import similar_projects
from generator.paths import Paths
from generator.problems import Report
from generator.records import load_records
from generator.sources import load_sources

REPO = Path(__file__).resolve().parent.parent


def _corpus() -> Corpus:
    paths = Paths(REPO)
    return build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return _corpus()


def test_the_cache_keeps_what_similar_does_not_read(corpus: Corpus, tmp_path: Path) -> None:
    cache = tmp_path / "similar.pickle"
    cold = similar_projects(corpus, cache)
    assert cold == similar_projects(corpus) and sum(map(len, cold.values())) > 50
    stamp = cache.stat().st_mtime_ns
    corpus.projects[0].overview = "人工更正：改写项目概况。"  # not read by 相似项目
    assert similar_projects(corpus, cache) == cold
    assert cache.stat().st_mtime_ns == stamp  # read, not written again


def test_a_change_it_reads_computes_again(tmp_path: Path) -> None:
    corpus = _corpus()
    cache = tmp_path / "similar.pickle"
    before = similar_projects(corpus, cache)
    pid, links = next((pid, links) for pid, links in sorted(before.items()) if links)
    target = next(p for p in corpus.projects if p.project_id == pid)
    target.project_name = "完全不同的名称甲乙丙丁"
    target.indicators = []
    after = similar_projects(corpus, cache)
    assert after == similar_projects(corpus)  # the same as with no cache
    assert after[pid] != links


def test_a_cache_hit_does_not_load_datasketch(tmp_path: Path) -> None:
    """datasketch imports SciPy (about a second): a rebuild whose 相似项目 inputs did not
    change never loads it."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.test_similar import _corpus\n"
        "from generator.generate.similar import similar_projects\n"
        f"similar_projects(_corpus(), Path({str(tmp_path / 'similar.pickle')!r}))\n"
        "print('datasketch' in sys.modules)\n"
    )

    def run() -> str:
        command = [sys.executable, "-c", script]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()

    assert run() == "True"  # the first run computes
    assert run() == "False"  # the second reads the cache


def test_looked_up_on_forked_workers_as_in_one_process(corpus: Corpus, monkeypatch) -> None:
    """From POOL_FROM projects on, forked workers look up the candidates, a chunk each: the
    result is the one-process result, project for project and in the same order."""
    import generator.generate.similar as similar

    serial = similar_projects(corpus)
    monkeypatch.setattr(similar, "POOL_FROM", 10)
    monkeypatch.setattr(similar, "CHUNK", 37)  # many chunks, the last one short
    forked = similar_projects(corpus, workers=2)
    assert forked == serial and list(forked) == list(serial)
    assert similar._INHERITED is None  # nothing of the index is kept once the workers are done
    assert sum(map(len, forked.values())) > 50
