"""Records through the one model: YAML → model → YAML and model → CSV → pandas → model
round trips on arbitrary records, the fixed key order, and what the loader rejects."""

from __future__ import annotations

import io
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model import FUND_SOURCES, MAX_YUAN, NAME_MAX, Funds, Indicator, Record, SourceRef
from generator.paths import Paths
from generator.problems import Report
from generator.publish.schema import PROJECTS
from generator.publish.tables import project_rows
from generator.publish.writers import write_csv
from generator.records import dump_record, load_record_file, write_records

text = st.text(
    # every printable character; control characters are refused by the model (tested below)
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"),
    max_size=40,
)
name = text.map(lambda s: s[:NAME_MAX])
amount = st.one_of(st.none(), st.integers(0, MAX_YUAN), st.floats(0, 1e9).map(lambda x: round(x, 2)))
indicator = st.builds(
    Indicator,
    scope=st.sampled_from(["period", "annual"]),
    level1=st.sampled_from(["产出指标", "效益指标", "满意度指标"]),
    level2=st.sampled_from(["数量指标", "质量指标", "社会效益指标"]),
    name=text,
    value=text,
    op=st.sampled_from(["", "≥", "≤", "=", ">", "<"]),
    number=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
    unit=name,
)


@st.composite
def records(draw: st.DrawFn) -> Record:
    digest = draw(st.text("0123456789abcdef", min_size=10, max_size=10))
    rec = Record(
        project_id=f"2024-test-{draw(st.integers(0, 999))}-{digest}",
        year=2024,
        province=draw(name),
        region=draw(name),
        department_code=draw(st.text("0123456789", max_size=6)),
        department_name=draw(name),
        unit_name=draw(name),
        project_name=draw(name),
        attribute=draw(name),
        period_years=draw(st.one_of(st.none(), st.integers(0, 99))),
        overview=draw(text),
        goal_annual=draw(text),
        fill_date=draw(st.sampled_from(["", "2024-01-05"])),
        indicators=draw(st.lists(indicator, max_size=3)),
        source=SourceRef(file="x.txt", line_start=1, line_end=draw(st.integers(1, 10**6))),
        funds=Funds(unit_in_source=draw(st.sampled_from(["元", "万元"]))),
    )
    for scope in ("period", "annual"):
        for key in ("total", *(k for k, _ in FUND_SOURCES)):
            setattr(getattr(rec.funds, scope), key, draw(amount))
    if draw(st.booleans()):
        rec.flag("category_unmarked", draw(st.integers(0, 100)))
    return Record.model_validate(rec.to_dict())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=records())
def test_yaml_round_trip_through_the_model(tmp_path, rec):
    path = tmp_path / f"{rec.project_id}.yaml"
    path.write_text(dump_record(rec.to_dict()), encoding="utf-8")
    report = Report()
    loaded = load_record_file(path, Paths(tmp_path), report)
    assert report.problems == []
    assert loaded == rec
    assert dump_record(loaded.to_dict()) == path.read_text(encoding="utf-8")


def _same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or b == "" or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=0, abs_tol=0.005)
    return str(a) == str(b)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rec=records())
def test_csv_round_trip_through_pandas_back_to_the_model(tmp_path, rec):
    path = tmp_path / "projects.csv"
    write_csv(path, PROJECTS, project_rows([rec]), "2024-01-01")
    frame = pd.read_csv(io.BytesIO(path.read_bytes()), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = frame.iloc[0].to_dict()
    # text cells a spreadsheet would run as a formula carry a leading quote: undo it
    back = {k: (v[1:] if v[:2] in ("'=", "'+", "'-", "'@", "'\t") else v) for k, v in row.items()}
    rebuilt = rec.model_copy(deep=True)
    for column in PROJECTS:
        if column.type in ("number", "integer"):
            value = back[column.name]
            expected = column.get(rec)
            assert _same(expected, float(value) if value else None), column.name
    rebuilt.project_name = back["project_name"]
    rebuilt.overview = back["overview"]
    rebuilt.funds.annual.total = (
        float(back["funds_total_annual_yuan"]) if back["funds_total_annual_yuan"] else None
    )
    assert Record.model_validate(rebuilt.model_dump()).project_name == rec.project_name
    assert rebuilt.overview == rec.overview
    assert _same(rec.funds.annual.total, rebuilt.funds.annual.total)
    assert back["quality_flags"] == ";".join(rec.quality_flags)


def test_keys_follow_the_model_order():
    data = Record(project_name="x", source=SourceRef(file="x.txt", line_start=1, line_end=2)).to_dict()
    assert list(data) == [k for k in Record.model_fields if k != "extra"]  # extra only when printed
    assert list(data["funds"]["annual"]) == [
        "total",
        "central",
        "provincial",
        "local",
        "self_raised",
        "other",
    ]


def test_the_loader_reports_control_characters_and_overlong_names(tmp_path):
    rec = Record(
        project_id="2024-test-1-0123456789",
        project_name="x",
        source=SourceRef(file="x.txt", line_start=1, line_end=2),
    )
    data = rec.to_dict()
    data["overview"] = "第一段\x0c第二段"
    data["project_name"] = "名" * (NAME_MAX + 1)
    path = tmp_path / f"{rec.project_id}.yaml"
    path.write_text(dump_record(data), encoding="utf-8")
    report = Report()
    assert load_record_file(path, Paths(tmp_path), report) is None
    found = {(p.field, p.code, p.line) for p in report.problems}
    lines = path.read_text(encoding="utf-8").split("\n")
    assert (
        "overview",
        "invalid-value",
        lines.index(next(x for x in lines if x.startswith("overview:"))) + 1,
    ) in found
    assert (
        "project_name",
        "invalid-value",
        lines.index(next(x for x in lines if x.startswith("project_name:"))) + 1,
    ) in found
    assert any("不会自动截断" in p.message for p in report.problems)


def test_records_are_rewritten_file_by_file(tmp_path):
    """After the first run, only the files whose text changed are replaced (each renamed
    over the old one, never half written) and the files of records gone are removed."""
    paths = Paths(tmp_path)
    texts = {f"2024-x-{n:03d}-abc": f"project_id: 2024-x-{n:03d}-abc\n" for n in range(5)}
    assert write_records(paths, dict(texts))
    files = {p.name: p.stat() for p in paths.records.glob("*.yaml")}
    assert len(files) == 5
    assert not write_records(paths, dict(texts))  # the same records: nothing written
    changed = dict(texts)
    changed["2024-x-001-abc"] += "# 改过\n"
    del changed["2024-x-004-abc"]
    assert write_records(paths, changed)
    after = {p.name: p.stat() for p in paths.records.iterdir()}
    assert sorted(after) == sorted(f"{pid}.yaml" for pid in changed)  # no part file left
    for name, stat in after.items():
        same = (stat.st_ino, stat.st_mtime_ns) == (files[name].st_ino, files[name].st_mtime_ns)
        assert same == (name != "2024-x-001-abc.yaml"), name
    assert (paths.records / "2024-x-001-abc.yaml").read_text(encoding="utf-8").endswith("# 改过\n")


def test_unchanged_record_files_are_not_parsed_again(tmp_path, monkeypatch):
    """load_records parses a file's YAML once: later loads of the same text read the parse
    cache (.cache/parsed.sqlite), a changed file is parsed again, entries of files gone are
    dropped, and a damaged cache file is rebuilt, never trusted."""
    import sqlite3

    import generator.records as records

    paths = Paths(tmp_path)
    paths.records.mkdir(parents=True)
    made = []
    for n in range(3):
        rec = Record(
            project_id=f"2024-test-{n}-0123456789",
            project_name=f"项目{n}",
            source=SourceRef(file="x.txt", line_start=1, line_end=2),
        )
        (paths.records / f"{rec.project_id}.yaml").write_text(dump_record(rec.to_dict()), encoding="utf-8")
        made.append(rec)
    parses: list[str] = []
    real = records.parse_yaml
    monkeypatch.setattr(records, "parse_yaml", lambda text: parses.append(text) or real(text))

    def load() -> list[Record]:
        report = Report()
        loaded = records.load_records(paths, report).records
        assert not report.problems
        return loaded

    first = load()
    assert len(parses) == 3 and first == made
    parses.clear()
    assert load() == first and parses == []  # all three from the cache
    changed = made[1].model_copy(update={"project_name": "改过的项目"})
    changed_file = paths.records / f"{changed.project_id}.yaml"
    changed_file.write_text(dump_record(changed.to_dict()), encoding="utf-8")
    (paths.records / f"{made[2].project_id}.yaml").unlink()
    assert load() == [made[0], changed] and len(parses) == 1
    db = sqlite3.connect(paths.cache / "parsed.sqlite")
    assert db.execute("SELECT count(*) FROM parsed").fetchone() == (2,)  # the deleted file's entry is gone
    db.close()
    (paths.cache / "parsed.sqlite").write_bytes(b"not a database")
    parses.clear()
    assert load() == [made[0], changed] and len(parses) == 2


def test_records_parsed_on_a_pool_come_out_as_parsed_in_one_process(tmp_path, monkeypatch):
    """load_records checks each record while a process pool parses the next ones, batch by
    batch: the records, the files skipped and the problems (with their lines) are those of
    one process, in the same order, whether the parses come from YAML or the cache."""
    import generator.records as records

    paths = Paths(tmp_path)
    paths.records.mkdir(parents=True)
    texts: list[str] = []
    for n in range(9):
        rec = Record(
            project_id=f"2024-test-{n}-0123456789",
            project_name=f"项目{n}",
            source=SourceRef(file="x.txt", line_start=1, line_end=2),
        )
        text = dump_record(rec.to_dict())
        if n == 2:
            text = text.replace("project_name:", "project_name: [unclosed", 1)  # broken YAML
        if n == 4:
            text = text.replace(f"project_id: {rec.project_id}", "project_id: 2024-test-other-0123456789")
        if n == 6:
            text = text.replace("line_start: 1", "line_start: -3")  # fails the model
        if n == 8:
            text = texts[7]  # the same text as another file: one cache key
        path = paths.records / f"{rec.project_id}.yaml"
        path.write_bytes(b"\xff\xfe not utf-8" if n == 5 else text.encode("utf-8"))
        texts.append(text)

    def load(pool_from: int) -> tuple[list[str], list[str], list[tuple[str, str, int]]]:
        monkeypatch.setattr(records, "POOL_FROM", pool_from)
        monkeypatch.setattr(records, "LOAD_BATCH", 4)  # several batches, each on its own pool
        report = Report()
        loaded = records.load_records(paths, report)
        problems = [(p.code, p.file, p.line) for p in report.problems]
        return [r.project_id for r in loaded.records], loaded.skipped, problems

    serial = load(pool_from=10**6)
    (paths.cache / "parsed.sqlite").unlink()
    pooled = load(pool_from=2)
    assert pooled == serial
    assert load(pool_from=2) == serial  # now from the cache
    ids, skipped, problems = serial
    assert ids == [f"2024-test-{n}-0123456789" for n in (0, 1, 3, 7)]
    assert [s.rsplit("/", 1)[1][:11] for s in skipped] == [f"2024-test-{n}" for n in (2, 4, 5, 6, 8)]
    where = [(code, file.rsplit("/", 1)[1][:11], line) for code, file, line in problems]
    assert where == [
        ("broken-yaml", "2024-test-2", 8),  # the line of the unclosed bracket
        ("broken-yaml", "2024-test-5", 0),  # not UTF-8: no line to name
        ("id-filename", "2024-test-4", 1),
        ("invalid-value", "2024-test-6", 43),
        ("id-filename", "2024-test-8", 1),
    ]


def test_loaded_records_share_what_repeats_and_keep_their_values(tmp_path):
    """load_records lets records share their fields sets and short strings (model.share_common):
    every value and dump is that of the record as validated, assigning a field a record file
    gave still works, and assigning an optional field it left out is an error (the set is
    shared: it would mark the field given in every record) that leaves the others' sets as they were."""
    import pickle

    import pytest

    from generator.model import Flag
    from generator.records import load_records
    from generator.sharing import SharedFields

    paths = Paths(tmp_path)
    paths.records.mkdir(parents=True)
    made = []
    for n in range(3):
        rows = [
            Indicator(scope="period", level1="产出指标", level2="数量指标", name=f"指标{k}", value="100%")
            for k in range(2)
        ]
        if n == 2:
            rows.append(
                Indicator(
                    scope="annual",
                    level1="产出指标",
                    level2="质量指标",
                    name="合格率",
                    value="≥95%",
                    extra={"权重": "10"},
                )
            )
        rec = Record(
            project_id=f"2024-test-{n}-0123456789",
            project_name=f"项目{n}",
            overview="很长的项目概况，" * 10,
            indicators=rows,
            source=SourceRef(file="x.txt", line_start=1, line_end=2),
        )
        rec.flag("category_unmarked", 3)
        (paths.records / f"{rec.project_id}.yaml").write_text(dump_record(rec.to_dict()), encoding="utf-8")
        made.append(Record.model_validate(rec.to_dict()))
    report = Report()
    loaded = load_records(paths, report).records
    assert not report.problems
    assert loaded == made
    assert [r.model_dump() for r in loaded] == [r.model_dump() for r in made]
    assert [r.model_dump_json() for r in loaded] == [r.model_dump_json() for r in made]
    first, _, third = loaded
    plain, weighted = first.indicators[0], third.indicators[2]
    assert plain.__pydantic_fields_set__ is third.indicators[0].__pydantic_fields_set__
    assert isinstance(plain.__pydantic_fields_set__, SharedFields)
    assert plain.model_fields_set == made[0].indicators[0].model_fields_set  # "extra" not given
    assert weighted.model_fields_set == made[2].indicators[2].model_fields_set != plain.model_fields_set
    assert plain.level1 is weighted.level1 and first.quality_flags[0] is third.quality_flags[0]
    assert first.overview is not third.overview  # long texts are each their own
    assert pickle.loads(pickle.dumps(loaded)) == made
    first.clear_flags(["category_unmarked"])  # a field the file gave: assigned as before
    first.add_note(Flag(code="category_unmarked", message="重新标注", line=4))
    assert first.quality_notes[0].message == "重新标注" and third.quality_notes[0].message != "重新标注"
    with pytest.raises(TypeError, match="extra"):
        plain.extra = {"权重": "5"}
    assert "extra" not in third.indicators[0].model_fields_set
    copied = third.indicators[0].model_copy(update={"extra": {"权重": "5"}})  # a set of its own
    assert "extra" in copied.model_fields_set and "extra" not in third.indicators[0].model_fields_set
    assert third.model_copy(deep=True) == third
