"""Search quality on the golden query set (tests/fixtures/search/golden_queries.yaml,
written by reading the records): recall@10 for every query, printed, ≥ 95% overall,
from the whoosh index and (test_search_browser.py) from the browser index."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.corpus import build_corpus
from generator.model import Record
from generator.paths import Paths
from generator.problems import Report
from generator.records import load_records
from generator.search import analysis, engine, run_search_index
from generator.sources import load_sources
from tests.conftest import FIXTURES, REPO

GOLDEN = yaml.safe_load((FIXTURES / "search" / "golden_queries.yaml").read_text(encoding="utf-8"))


def expected_ids(records: list[Record]) -> dict[tuple[str, int], str]:
    return {(r.source.file, r.source.line_start): r.project_id for r in records}


def recall_report(run_query, ids_by_source) -> tuple[float, list[str]]:
    """Run every golden query; return overall recall@10 and one printed line per query."""
    found_total = wanted_total = 0
    lines = []
    for q in GOLDEN:
        wanted = [ids_by_source[(e["file"], e["line"])] for e in q["expect"]]
        top = run_query(q["query"])[:10]
        if not wanted:
            ok = not top
            lines.append(f"{'ok  ' if ok else 'FAIL'} {q['query']}: expects nothing, got {len(top)}")
            found_total += int(ok)
            wanted_total += 1
            continue
        found = sum(1 for w in wanted if w in top)
        found_total += found
        wanted_total += len(wanted)
        lines.append(
            f"{'ok  ' if found == len(wanted) else 'MISS'} {q['query']}: recall@10 {found}/{len(wanted)}"
        )
    return found_total / wanted_total, lines


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tuple[Path, list[dict]]:
    paths = Paths(REPO)
    records = load_records(paths, Report()).records
    corpus = build_corpus(records, load_sources(paths, Report()) or [])
    root = tmp_path_factory.mktemp("search")
    run_search_index(corpus, root / "index", REPO / "content")
    return root / "index", records


def test_golden_set_is_large_enough():
    assert len(GOLDEN) >= 40
    assert sum(1 for q in GOLDEN if not q["expect"]) >= 1


def test_whoosh_recall_at_10(index, capsys):
    index_dir, records = index
    recall, lines = recall_report(
        lambda q: [h.id for h in engine.search(index_dir, q, limit=10, kind="project")], expected_ids(records)
    )
    with capsys.disabled():
        print("\n".join(["", "whoosh recall@10 per query:", *lines, f"overall recall@10: {recall:.1%}"]))
    assert recall >= 0.95


def test_filters_and_amounts(index):
    index_dir, _ = index
    hits = engine.search(index_dir, "校舍", region="阳泉高新区", kind="project")
    assert hits and all(h.region == "阳泉高新区" for h in hits)
    assert all(
        h.amount >= 1_000_000 for h in engine.search(index_dir, "经费", min_amount=1_000_000, limit=30)
    )
    assert engine.search(index_dir, "") == [] and engine.search(index_dir, "！！！") == []


def test_grams_make_middle_words_findable():
    assert "津贴" in analysis.grams("2024年高新区高龄津贴补助资金")
    assert analysis.grams("ＵＰＳ〔2024〕") == ["ups", "2024"]


def test_cli_answers_in_every_format(index, tmp_path):
    import shutil

    index_dir, _ = index
    shutil.copytree(index_dir, tmp_path / ".cache" / "search-index")
    runner = CliRunner()
    table = runner.invoke(main, ["--root", str(tmp_path), "search", "高龄津贴"])
    assert table.exit_code == 0 and "2024年高新区高龄津贴补助资金" in table.output
    js = runner.invoke(main, ["--root", str(tmp_path), "search", "津贴", "--format", "json"])
    assert js.exit_code == 0 and '"kind": "project"' in js.output
    none = runner.invoke(main, ["--root", str(tmp_path), "search", "哈利波特魔杖"])
    assert none.exit_code == 0 and "没有找到" in none.output
