"""Stage 5: records -> open-data downloads under content/downloads/ and a static
read-only API under content/api/ (mkdocs copies both into site/ as they are).

- downloads/projects|indicators|departments.{csv,xlsx,json}, for the whole corpus and
  sliced per region (downloads/regions/<slug>/) and per department
  (downloads/departments/<key>/);
- downloads/datapackage.json (Frictionless Data Package) and budget-data.zip;
- api/projects/<id>.json: every record, whole; <id>.csv and <id>.indicators.csv: its rows
  of projects.csv and indicators.csv;
- downloads/index.md: every file with size, rows, SHA-256 and the data dictionary.

Written in three steps (generator.generate.shards): publish_shard in each shard's task
(region and department tables, API, the shard's rows of the corpus-wide tables),
publish_table once per corpus-wide table and group of formats (TABLE_TASKS), then
finish_downloads. Every file is deterministic for a given build date (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import pickle
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic_core

from generator.corpus import Corpus, Department, Region
from generator.model import Record
from generator.publish import writers
from generator.publish.schema import TABLE_DESCRIPTIONS, TABLE_TITLES, TABLES, Column
from generator.publish.tables import ProjectRows, department_rows
from generator.stamps import tree_digest


@dataclass(frozen=True)
class PublishedFile:
    path: str  # relative to content/
    rows: int
    size: int
    sha256: str


WRITERS = (("csv", writers.write_csv), ("xlsx", writers.write_xlsx), ("json", writers.write_json))
# the corpus-wide tables' tasks: a table's spreadsheet costs as much as its other files
# together (XlsxWriter, cell by cell), so it is a task of its own
# together (XlsxWriter, cell by cell), so it is a task of its own. Largest first (their
# priority on a cluster): the indicators' spreadsheet (790,000 rows at 100×) is the last
# thing generate waits for, so it starts as soon as the shards are made
TABLE_TASKS = [
    (name, formats)
    for formats in (("xlsx",), ("csv", "json"))
    for name in ("indicators", "projects", "quality", "departments")
]
assert sorted(name for name, _ in TABLE_TASKS) == sorted(2 * list(TABLES))
# what a written table's bytes depend on besides its rows: this package's code (writers,
# columns) and the model the column titles come from; a change elsewhere in the generator
# leaves the cached tables valid
_HERE = Path(__file__).resolve().parent
WRITER_VERSION = tree_digest(_HERE, _HERE.parent / "model.py")[:16]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class _Task:
    """One folder of tables to write: the corpus, a region or a department."""

    out: Path
    tables: Mapping[str, Rows | Callable[[], Rows]]  # rows, or how to get them if a file is written
    build_date: str
    cache: Path | None  # written files by the hash of what made them: an unchanged table is copied
    digests: dict[str, str] = field(default_factory=dict)  # a table's hash, known without its rows
    formats: tuple[str, ...] = tuple(ext for ext, _ in WRITERS)  # which files to write


def _rows(given: Rows | Callable[[], Rows]) -> Rows:
    return given() if callable(given) else given


def _write_tables(task: _Task) -> list[tuple[Path, str]]:
    """Write one folder's tables in every format; returns each file with its cache key."""
    task.out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, str]] = []
    for name, given in task.tables.items():
        rows = None if callable(given) else given
        digest = task.digests.get(name)
        if digest is None:
            rows = rows if rows is not None else _rows(given)
            # pydantic-core's encoder: the hash of a region's rows in a tenth of json's time
            data = pydantic_core.to_json([WRITER_VERSION, name, task.build_date, rows], fallback=str)
            digest = hashlib.sha256(data).hexdigest()
        for ext, writer in WRITERS:
            if ext not in task.formats:
                continue
            path, key = task.out / f"{name}.{ext}", f"{digest}.{ext}"
            cached = task.cache / key if task.cache else None
            if cached is not None and cached.is_file():
                shutil.copyfile(cached, path)
            else:
                rows = rows if rows is not None else _rows(given)
                writer(path, TABLES[name], rows, task.build_date)
                if cached is not None:
                    # whole or not at all: another worker may be copying the same table (a
                    # department that is its region's only one) while this one is stored
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    part = cached.with_name(f".{cached.name}.{os.getpid()}")
                    shutil.copyfile(path, part)
                    os.replace(part, cached)
            written.append((path, key))
    return written


def prune_cache(cache: Path, used: set[str]) -> None:
    if cache.is_dir():
        for entry in cache.iterdir():
            if entry.name not in used:
                entry.unlink(missing_ok=True)


def _describe(path: Path, content: Path, rows: int) -> PublishedFile:
    with path.open("rb") as f:  # read in blocks: indicators.json is hundreds of MB at 100×
        digest = hashlib.file_digest(f, "sha256")
    return PublishedFile(path.relative_to(content).as_posix(), rows, path.stat().st_size, digest.hexdigest())


def _tables_for(
    projects: list[Record], depts: list[Department], rows: ProjectRows
) -> dict[str, list[dict[str, Any]]]:
    tables = rows.tables(projects)
    return {
        "projects": tables["projects"],
        "indicators": tables["indicators"],
        "departments": department_rows(depts),
        "quality": tables["quality"],
    }


def write_api(projects: list[Record], api: Path, build_date: str, rows: ProjectRows) -> None:
    """api/projects/<id>.json (the record, whole) and its rows of projects.csv and
    indicators.csv (from `rows`: the shard's, made once)."""
    (api / "projects").mkdir(parents=True, exist_ok=True)
    for p in projects:
        base = api / "projects" / p.project_id
        base.with_suffix(".json").write_text(writers.json_text(p.to_dict()) + "\n", encoding="utf-8")
        # the project's row of projects.csv and its rows of indicators.csv, same columns
        project, indicators, _ = rows.of(p)
        writers.write_csv(base.with_suffix(".csv"), TABLES["projects"], [project], build_date)
        path = base.with_name(f"{p.project_id}.indicators.csv")
        writers.write_csv(path, TABLES["indicators"], indicators, build_date)


def publish_shard(
    departments: list[Department],
    regions: list[Region],
    out: Path,
    build_date: str,
    rows: Path,
    cache: Path | None = None,
) -> list[str]:
    """A shard's downloads (these regions' and departments' tables) and the API of the
    departments' projects under `out` (laid out as content/), and their rows of the
    corpus-wide tables in `rows`/<table>.pickle, from which publish_table writes those.
    With a cache, a table whose rows were written before is copied, not written again
    (after a correction, only the tables showing the corrected field are); returns the
    cache entries used."""
    downloads = out / "downloads"
    projects = [p for d in departments for p in d.projects]
    made = ProjectRows()
    tasks = [
        _Task(downloads / "regions" / r.slug, _tables_for(r.projects, r.departments, made), build_date, cache)
        for r in regions
    ]
    tasks += [
        _Task(downloads / "departments" / d.key, _tables_for(d.projects, [d], made), build_date, cache)
        for d in departments
    ]
    used = [key for task in tasks for _, key in _write_tables(task)]
    write_api(projects, out / "api", build_date, made)
    rows.mkdir(parents=True, exist_ok=True)
    for name, table in _tables_for(projects, departments, made).items():
        (rows / f"{name}.pickle").write_bytes(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    return used


def merged_rows(name: str, parts: list[Rows]) -> Rows:
    """A corpus-wide table from the shards' rows: departments in the shards' order (the
    regions'), the other tables by project id, as each shard sorted its own."""
    if name == "departments":
        return [row for part in parts for row in part]
    return list(heapq.merge(*parts, key=lambda row: row["project_id"]))


def publish_table(
    name: str,
    formats: tuple[str, ...],
    shard_rows: list[Path],
    downloads: Path,
    build_date: str,
    cache: Path,
) -> tuple[str, int, list[str]]:
    """One corpus-wide table in some of its formats (a task of its own: the tables, and a
    large table's spreadsheet and its other files, are written side by side); returns its
    name, its row count and the cache entries it used. Its hash is taken from the shards'
    row files as they are; the rows are merged only when a file is written."""
    blobs = [(folder / "rows" / f"{name}.pickle").read_bytes() for folder in shard_rows]
    digest = hashlib.sha256(json.dumps([WRITER_VERSION, name, build_date]).encode())
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    parts = [pickle.loads(blob) for blob in blobs]
    task = _Task(
        downloads,
        {name: lambda: merged_rows(name, parts)},
        build_date,
        cache,
        {name: digest.hexdigest()},
        formats,
    )
    written = _write_tables(task)
    return name, sum(len(part) for part in parts), [key for _, key in written]


def finish_downloads(
    corpus: Corpus, content: Path, counts: dict[str, int], build_date: str, version: str
) -> list[PublishedFile]:
    """After the corpus-wide tables are written: the data package, the zip, SHA256SUMS and
    the downloads page; returns the corpus-wide files with their figures."""
    downloads = content / "downloads"
    whole = [
        _describe(downloads / f"{name}.{ext}", content, counts[name]) for name in TABLES for ext, _ in WRITERS
    ]
    package = writers.datapackage(corpus, build_date, version)
    (downloads / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    readme = writers.bundle_readme(corpus, build_date, version)
    writers.write_zip(
        downloads / "budget-data.zip",
        downloads,
        [f.path.split("/", 1)[1] for f in whole] + ["datapackage.json"],
        readme,
        build_date,
    )
    files = [
        *whole,
        _describe(downloads / "datapackage.json", content, 0),
        _describe(downloads / "budget-data.zip", content, 0),
    ]
    sums = "".join(f"{f.sha256}  {f.path.split('/', 1)[1]}\n" for f in files)
    (downloads / "SHA256SUMS").write_text(sums, encoding="utf-8")
    (downloads / "index.md").write_text(downloads_page(files, corpus), encoding="utf-8")
    return files


_FORMATS = {
    "csv": "CSV，Excel 可直接打开",
    "xlsx": "Excel 工作簿，带表头说明",
    "json": "JSON，供程序读取",
}
_FILES = {
    "datapackage.json": "数据包说明：每张表的列名、类型、单位和主键（Frictionless Data Package）",
    "budget-data.zip": "以上全部表格和数据包说明的打包，附中文说明文件",
}


def _what(name: str) -> str:
    """One line on what a download holds."""
    if name in _FILES:
        return _FILES[name]
    stem, _, ext = name.rpartition(".")
    return f"{TABLE_DESCRIPTIONS[stem].rstrip('。')}（{_FORMATS[ext]}）" if stem in TABLE_DESCRIPTIONS else ""


def human_size(size: int) -> str:
    """1165938 -> "1.1 MB"; sizes a reader compares at a glance."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _dictionary(name: str, columns: tuple[Column, ...]) -> list[str]:
    out = [
        f"### {name}（{TABLE_TITLES[name]}）",
        "",
        TABLE_DESCRIPTIONS[name],
        "",
        "| 列名 | 中文名 | 类型 | 单位 | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    out += [f"| `{c.name}` | {c.title} | {c.type} | {c.unit} | {c.description} |" for c in columns]
    return [*out, ""]


def downloads_page(files: list[PublishedFile], corpus: Corpus) -> str:
    out = [
        "---",
        "title: 数据下载",
        'description: "全部项目、绩效指标、部门和质量提示的数据表：'
        'CSV、Excel、JSON 和数据包说明，金额以元为单位。"',
        "---",
        "",
        "# 数据下载",
        "",
        f"全部 {len(corpus.projects)} 个项目的数据，可以直接用 Excel 打开（CSV 为带 BOM 的 UTF-8）。"
        "金额一律为元。以 `=`、`+`、`-`、`@` 开头的文字单元格前加了一个单引号，"
        "防止电子表格把它当作公式执行。",
        "",
        "[全部打包下载（含说明）](budget-data.zip)　·　[datapackage.json](datapackage.json)"
        "（Frictionless Data Package，可用 `frictionless validate` 校验）",
        "",
        "每个地区、每个部门的页面上有该地区、该部门的分表下载；每个项目页链接了该项目完整记录的 JSON，"
        "以及它在 projects 和 indicators 两张表中的行（CSV）。",
        "",
        "| 文件 | 内容 | 行数 | 大小 |",
        "| --- | --- | ---: | ---: |",
    ]
    for f in files:
        name = f.path.split("/", 1)[1]
        rows = (
            str(f.rows)
            if name.split(".")[-1] in ("csv", "xlsx", "json") and name != "datapackage.json"
            else ""
        )
        out.append(f"| [{name}]({name}) | {_what(name)} | {rows} | {human_size(f.size)} |")
    out += [
        "",
        "完整的 SHA-256 校验值见 [SHA256SUMS](SHA256SUMS)（可用 `sha256sum -c SHA256SUMS` 核对下载的文件）。",
        "",
        "## 数据字典",
        "",
    ]
    for name, columns in TABLES.items():
        out += _dictionary(name, columns)
    return "\n".join(out) + "\n"
