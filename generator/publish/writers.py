"""Writers for the published files. Everything is byte-for-byte repeatable for a
given build date: no timestamps from the clock, entries in a fixed order."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pydantic_core
import xlsxwriter

from generator.corpus import Corpus
from generator.publish.schema import PRIMARY_KEYS, TABLE_DESCRIPTIONS, TABLE_TITLES, TABLES, Column
from generator.quality import QUALITY_FLAGS

# a table of up to this many rows is written in memory (shared strings, no temporary
# files): 30% faster than row by row, for about 650 bytes a row of indicators (+510 MB for
# the 100× corpus's 790,000, whose spreadsheet is the last task generate waits for); a
# larger one (a national corpus's) row by row, in constant memory
IN_MEMORY_ROWS = 1_000_000
JSON_ROWS = 10_000  # rows a JSON download's text is made of at a time
WIDEST = 60  # an XLSX column's widest (characters)
SHEET_ROWS = 1_048_576 - 2  # data rows an XLSX sheet holds under its two header rows
# a spreadsheet runs a cell starting with one of these as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def safe_text(value: str) -> str:
    """Neutralise a text cell that a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


# pydantic-core's "1.5e-7" and "0.00001", as a value (first, or after a space, ":", "[" or
# ","): not the "8e-2" inside an id such as "…-5f911d2c8e-2", which sent every table of
# projects to the slow path. Looked for only around the few places a quick scan finds
# (this pattern over a whole 2 MB table took 70 ms)
_SMALL_FLOAT = re.compile(r"(?:^|[\s:\[,])-?(?:\d+(?:\.\d+)?e-\d|0\.0000)")
_CANDIDATE = re.compile(r"e-\d|0\.0000")


def _small_float(text: str) -> bool:
    """Whether the text may hold a float that pydantic-core spells unlike json (a float is
    at most 24 characters: 32 before a candidate hold its start)."""
    return any(_SMALL_FLOAT.search(text[max(0, m.start() - 32) : m.end()]) for m in _CANDIDATE.finditer(text))


def json_text(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=1)`, the same text, from pydantic-core's
    serializer (the standard library's encoder runs in Python when it indents: 8× slower).
    The two spell only a float below 1e-4 differently ("0.00001" or "1.5e-7" against
    "1e-05" and "1.5e-07"): text that may hold one is written by the standard library."""
    text = pydantic_core.to_json(data, indent=1).decode()
    if _small_float(text):  # (or a string that looks like one: the same text, slower)
        return json.dumps(data, ensure_ascii=False, indent=1)
    return text


def _number(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(column: Column, value: Any) -> str:
    if column.type in ("number", "integer"):
        return _number(value)
    return safe_text("" if value is None else str(value))


def write_csv(path: Path, columns: tuple[Column, ...], rows: list[dict[str, Any]], build_date: str) -> None:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese correctly; CRLF line ends.
    Written as the rows come (a corpus-wide table is hundreds of MB: never held as text)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in columns])
        writer.writerows([cell_text(c, row[c.name]) for c in columns] for row in rows)


def _display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK characters count double (their GB 18030
    encoding is two bytes, ASCII one: the encoder counts in C what a loop over
    unicodedata.east_asian_width would count in Python)."""
    return len(text.encode("gb18030", errors="replace"))


def _column_width(texts: list[str]) -> int:
    """The column's width: its widest text plus 2, between 8 and 60. A text is measured
    only when it could be wider than the widest so far (GB 18030 spends at most 4 bytes on
    a character), and none once the width reaches 60: the same width, without encoding
    every cell of a column of long texts."""
    widest = 0
    for text in texts:
        if 4 * len(text) > widest:
            widest = max(widest, _display_width(text))
            if widest + 2 >= WIDEST:
                break
    return min(WIDEST, max(8, widest + 2))


def _fixed_time(build_date: str) -> datetime:
    return datetime.fromisoformat(build_date).replace(tzinfo=None)


def _rezip(path: Path, build_date: str) -> None:
    """Rewrite a zip (an .xlsx is one) with every entry stamped with the build date. Only a
    workbook written row by row (beyond IN_MEMORY_ROWS) needs it: XlsxWriter stamps the
    entries of one written in memory with Excel's 1980-01-01 whatever the clock says, but
    those of one written through temporary files with their files' times (1980-01-31 in
    the local time zone)."""
    stamp = _fixed_time(build_date).timetuple()[:6]
    with zipfile.ZipFile(path) as zin:
        entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    stamp_iso = _fixed_time(build_date).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":  # the save time, whatever the writer was told
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp_iso.encode(), data
                )
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def write_xlsx(path: Path, columns: tuple[Column, ...], rows: list[dict[str, Any]], build_date: str) -> None:
    """A frozen header row, Chinese titles as a second header, widths that fit the text.
    Written in memory, or row by row (XlsxWriter's constant-memory mode) beyond
    IN_MEMORY_ROWS; text is always written as text, never as a formula, a number or a
    link, whatever it starts with."""
    options = {
        # a very large table row by row (constant memory); the others in memory (IN_MEMORY_ROWS)
        "constant_memory": len(rows) > IN_MEMORY_ROWS,
        "in_memory": len(rows) <= IN_MEMORY_ROWS,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    moment = _fixed_time(build_date)
    widths = [_column_width([c.name, c.title, *(str(r[c.name] or "") for r in rows[:500])]) for c in columns]
    # a sheet holds 1,048,576 rows: a longer table goes on in sheets "<name> (2)", "<name> (3)" …
    parts = [rows[i : i + SHEET_ROWS] for i in range(0, len(rows), SHEET_ROWS)] or [rows]
    with xlsxwriter.Workbook(str(path), options) as wb:
        wb.set_properties({"author": "budget-site", "created": moment})
        bold = wb.add_format({"bold": True})
        for k, part in enumerate(parts, start=1):
            ws = wb.add_worksheet(path.stem[:31] if k == 1 else f"{path.stem[:24]} ({k})")
            _write_sheet(ws, columns, part, widths, bold)
    if options["constant_memory"]:
        _rezip(path, build_date)


def _write_sheet(
    ws: Any, columns: tuple[Column, ...], rows: list[dict[str, Any]], widths: list[int], bold: Any
) -> None:
    for i, width in enumerate(widths):  # before the rows: constant-memory mode writes in order
        ws.set_column(i, i, width)
    ws.freeze_panes(2, 0)
    for i, c in enumerate(columns):
        ws.write_string(0, i, c.name, bold)
        ws.write_string(1, i, c.title, bold)
    for n, row in enumerate(rows, start=2):
        for i, c in enumerate(columns):
            value = row[c.name]
            if c.type not in ("number", "integer"):
                if text := cell_text(c, value):
                    ws.write_string(n, i, text)
            elif value is not None and value != "":
                ws.write_number(n, i, value)


def write_json(path: Path, columns: tuple[Column, ...], rows: list[dict[str, Any]], build_date: str) -> None:
    """json_text of the rows (the table's columns), written JSON_ROWS rows at a time: the
    same text as json_text of them all, but never the whole table's text in memory. Each
    part's text is "[\\n" + its rows + "\\n]"; the parts' rows are joined as one list's."""
    with path.open("w", encoding="utf-8") as out:
        if not rows:
            out.write("[]\n")
            return
        out.write("[\n")
        for start in range(0, len(rows), JSON_ROWS):
            chunk = rows[start : start + JSON_ROWS]
            part = json_text([{c.name: row[c.name] for c in columns} for row in chunk])
            out.write((",\n" if start else "") + part[2:-2])
        out.write("\n]\n")


def _field(c: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": c.name,
        "type": c.type,
        "title": c.title,
        "description": c.description + (f"（单位：{c.unit}）" if c.unit else ""),
    }
    if c.unit:
        field["unit"] = c.unit
    return field


def datapackage(corpus: Corpus, build_date: str, version: str) -> dict[str, Any]:
    resources = []
    for name, columns in TABLES.items():
        schema: dict[str, Any] = {
            "fields": [_field(c) for c in columns],
            "primaryKey": PRIMARY_KEYS[name],
            "missingValues": [""],
        }
        if name in ("indicators", "quality"):
            schema["foreignKeys"] = [
                {"fields": ["project_id"], "reference": {"resource": "projects", "fields": ["project_id"]}}
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": TABLE_TITLES[name],
                "description": TABLE_DESCRIPTIONS[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": schema,
            }
        )
    return {
        "name": "budget-performance-targets",
        "title": "县级项目支出绩效目标表",
        "description": "各县（区）公开的《项目支出绩效目标表》整理成的项目、绩效指标和部门数据。"
        "金额单位为元。",
        "version": version,
        "created": f"{build_date}T00:00:00Z" if "T" not in build_date else build_date,
        "licenses": [LICENSE],
        "sources": [
            {
                "title": d.source.title,
                "path": f"../sources/{d.served}",
                "description": f"{r.province}{r.name}，{d.source.publisher}，{d.source.year}年度，"
                f"原文件名 {d.source.file}",
            }
            for r in corpus.regions
            for d in r.documents
            if d.served
        ],
        "resources": resources,
    }


def bundle_readme(corpus: Corpus, build_date: str, version: str) -> str:
    lines = [
        "县级项目支出绩效目标表 公开数据",
        "=" * 24,
        "",
        f"版本 {version}，生成日期 {build_date[:10]}，共 {len(corpus.projects)} 个项目。",
        "",
        "文件",
        "----",
    ]
    for name in TABLES:
        lines.append(
            f"{name}.csv / {name}.xlsx / {name}.json：{TABLE_TITLES[name]}。{TABLE_DESCRIPTIONS[name]}"
        )
    lines += [
        "datapackage.json：Frictionless Data Package，列出每一列的类型、中文名、说明和单位。",
        "",
        "单位",
        "----",
        "金额一律为元（原表为万元的已乘以 10000）。原表没有列出的金额为空，列出 0 的为 0。",
        "",
        "CSV 为带 BOM 的 UTF-8，Excel 可直接打开。以 = + - @ 开头的文字单元格前加了一个单引号，",
        "防止电子表格把它当作公式执行；数字列保持为数字。",
        "",
        "质量提示（projects.csv 的 quality_flags 列，分号分隔；每条提示的具体说明见 quality.csv）",
        "----",
    ]
    lines += [f"{code}：{text}" for code, text in sorted(QUALITY_FLAGS.items())]
    lines += ["", "原始文件", "----"]
    lines += [
        f"{d.source.file}：{d.source.title}（{d.source.publisher}），本站文字副本 sources/{d.served}"
        for r in corpus.regions
        for d in r.documents
    ]
    lines += [
        "原始文件的文字以纯文本副本发布在本站 sources/ 目录下（行号与原文件一致）；每个项目的",
        "source_file 和 source_line_start/end 指出它在原文件中的位置。",
        "",
        f"许可：{LICENSE['title']}（{LICENSE['path']}）",
        "",
    ]
    return "\n".join(lines)


def write_zip(path: Path, folder: Path, names: list[str], readme: str, build_date: str) -> None:
    stamp = _fixed_time(build_date).timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("README.txt", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, readme.encode("utf-8"))
        for name in sorted(names):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = (folder / name).stat().st_size  # so zipfile knows if ZIP64 is needed
            with (folder / name).open("rb") as src, z.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)  # a block at a time, never a whole table
