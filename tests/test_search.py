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
from generator.generate import copy_handwritten
from generator.model import Record
from generator.paths import Paths
from generator.problems import Report
from generator.records import load_records
from generator.search import (
    analysis,
    documents,
    engine,
    ensure_cli_index,
    postings,
    readers,
    run_search_index,
    write_browser_index,
)
from generator.sources import load_sources
from tests.conftest import FIXTURES, REPO

# the first set was written from the records; the second (typed) holds the kinds people
# type — run-together words, abbreviations, traditional characters, typos, codes — and was
# written by a helper who had not read the search code
GOLDEN = [
    q
    for name in ("golden_queries.yaml", "golden_queries_typed.yaml")
    for q in yaml.safe_load((FIXTURES / "search" / name).read_text(encoding="utf-8"))
]
MIN_OVERALL, MIN_PER_KIND = 0.95, 0.85


def expected_ids(records: list[Record]) -> dict[tuple[str, int], str]:
    return {(r.source.file, r.source.line_start): r.project_id for r in records}


def recall_report(run_query, ids_by_source) -> tuple[float, list[str], dict[str, float]]:
    """Run every golden query; return overall recall@10, one printed line per query and
    a closing line per kind, and the recall of each kind."""
    per_kind: dict[str, list[int]] = {}
    lines = []
    for q in GOLDEN:
        wanted = [ids_by_source[(e["file"], e["line"])] for e in q["expect"]]
        top = run_query(q["query"])[:10]
        tally = per_kind.setdefault(q["kind"], [0, 0])
        if not wanted:
            ok = not top
            lines.append(f"{'ok  ' if ok else 'FAIL'} {q['query']}: expects nothing, got {len(top)}")
            tally[0], tally[1] = tally[0] + int(ok), tally[1] + 1
            continue
        found = sum(1 for w in wanted if w in top)
        tally[0], tally[1] = tally[0] + found, tally[1] + len(wanted)
        lines.append(
            f"{'ok  ' if found == len(wanted) else 'MISS'} {q['query']}: recall@10 {found}/{len(wanted)}"
        )
    kinds = {kind: found / wanted for kind, (found, wanted) in per_kind.items()}
    lines += [f"recall@10 of {kind}: {value:.1%}" for kind, value in sorted(kinds.items())]
    overall = sum(f for f, _ in per_kind.values()) / sum(w for _, w in per_kind.values())
    return overall, lines, kinds


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tuple[Path, list[dict]]:
    paths = Paths(REPO)
    records = load_records(paths, Report()).records
    corpus = build_corpus(records, load_sources(paths, Report()) or [])
    root = tmp_path_factory.mktemp("search")
    content = root / "content"
    copy_handwritten(REPO / "content", content)
    run_search_index(corpus, root / "docs.json", content)
    assert ensure_cli_index(root / "docs.json", root / "index")
    return root / "index", records


def test_browser_index_equals_the_whoosh_export(index, tmp_path):
    """The browser index is computed from the documents without whoosh; exported from the
    whoosh index of the same documents it is the same, file for file."""
    paths = Paths(REPO)
    corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
    docs = documents(corpus, REPO / "content")
    direct = postings.postings(docs, workers=2)
    whoosh = readers.export_postings(index[0])
    assert direct[1] == whoosh[1]
    write_browser_index(*direct, tmp_path / "direct", corpus)
    write_browser_index(*whoosh, tmp_path / "whoosh", corpus)
    files = sorted(p.relative_to(tmp_path / "direct") for p in (tmp_path / "direct").rglob("*.json"))
    assert len(files) > 20
    for rel in files:
        assert (tmp_path / "direct" / rel).read_bytes() == (tmp_path / "whoosh" / rel).read_bytes(), rel


def test_the_command_line_index_follows_generate(index, corpus_site, tmp_path):
    """`budget-site search` builds its whoosh index once per generate: not again when the
    documents are unchanged, again when they changed."""
    index_dir, _ = index
    stamp = index_dir / "docs-digest"
    before = stamp.stat().st_mtime_ns
    assert ensure_cli_index(corpus_site.paths.search_docs, index_dir)
    assert stamp.stat().st_mtime_ns == before
    assert not ensure_cli_index(tmp_path / "none.json", tmp_path / "no-index")


def test_golden_set_is_large_enough():
    assert len(GOLDEN) >= 40
    assert sum(1 for q in GOLDEN if not q["expect"]) >= 1


def test_whoosh_recall_at_10(index, capsys):
    index_dir, records = index
    recall, lines, kinds = recall_report(
        lambda q: [h.id for h in engine.search(index_dir, q, limit=10, kind="project")], expected_ids(records)
    )
    with capsys.disabled():
        print("\n".join(["", "whoosh recall@10 per query:", *lines, f"overall recall@10: {recall:.1%}"]))
    assert recall >= MIN_OVERALL
    assert min(kinds.values()) >= MIN_PER_KIND, kinds


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
    # Latin letters and digits are symbols of the run they stand in: 乡村e镇 is one word
    assert analysis.grams("乡村e镇") == ["乡村", "村e", "e镇", "e"]
    assert set(analysis.grams("乡村e镇")) <= set(analysis.grams("繁峙县乡村e镇改造提升项目"))


def test_traditional_characters_are_folded():
    assert analysis.normalise("義務教育 農村戶廁 檔案數字化") == "义务教育 农村户厕 档案数字化"
    assert analysis.grams("醫療") == analysis.grams("医疗")


def test_the_fold_table_is_opencc_character_by_character():
    """fold_table converts every character in one call; the same table as one call each."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    one_by_one = {}
    for code in range(0x3400, 0xA000):
        out = convert(chr(code))
        if out != chr(code) and len(out) == 1:
            one_by_one[chr(code)] = out
    assert len(one_by_one) > 2_000
    assert analysis.fold_table() == one_by_one


def test_short_forms_are_spelt_out():
    assert "住房和城乡建设" in analysis.variants("住建局")
    assert "襄垣 发展改革和科学技术 项目" in analysis.variants("襄垣发改局项目")
    assert analysis.variants("最低生活保障") == ["最低生活保障"]
    assert "最低生活保障" in analysis.variants("低保")


def test_codes_are_found_by_a_prefix():
    terms = analysis.ids("13073024P00891310001U")
    assert "13073024p008913" in terms and "13073024p00891310001u" in terms and "130730" in terms
    assert "13073" not in terms


def test_a_partial_match_is_ranked_by_coverage_and_a_close_spelling_suggested(index):
    index_dir, _ = index
    hits = engine.search(index_dir, "义物教育", kind="project")
    assert hits and not hits[0].exact and "义务教育" in hits[0].title
    assert analysis.suggestion("义物教育", [h.title for h in hits]) == "义务教育"
    exact = engine.search(index_dir, "义务教育", kind="project")
    assert exact and all(h.exact for h in exact)


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
    typo = runner.invoke(main, ["--root", str(tmp_path), "search", "义物教育"])
    assert typo.exit_code == 0 and "您是不是要找：义务教育" in typo.output
