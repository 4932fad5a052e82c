"""Spreadsheets in our own columns: the entry template (`budget-site template`) filled by
hand for what no reader can read (a scanned page), and our own downloads.

A table whose first row is the published column names of projects (and optionally one
with those of indicators, linked by project_id) is read column by column through the
same column definitions that publish them (generator.publish.schema), so what we publish
re-imports to the same records. The ids are computed again from the content, as for
any document.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from generator.model import ExtractedTable, Record, SourceRef
from generator.publish.schema import INDICATORS, PROJECTS, Column
from generator.publish.writers import FORMULA_START
from generator.schema_errors import describe, dotted, field_path
from generator.tables import Cell, Table
from generator.text import parse_decimal

NAME = "spreadsheet"
SKIP = {"project_id", "year", "province", "region"}  # the id is computed; the rest come from sources.yaml
_PLAN = re.compile(r"([^:;]+):([\d.]+)%")


def data_kind(table: Table) -> str:
    """'projects' or 'indicators' when the table's first row holds our column names, else ''."""
    rows = table.rows()
    names = {c.text.strip() for c in rows[0]} if rows else set()
    if {"project_name", "funds_total_annual_yuan"} <= names:
        return "projects"
    if {"project_id", "scope", "level1", "name", "value"} <= names:
        return "indicators"
    return ""


def _value(column: Column, text: str) -> Any:
    text = text.strip()
    if column.type in ("number", "integer"):
        number = parse_decimal(text)
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        return text[1:]  # our downloads neutralise formulas with a leading quote
    return text


def parse_extra(text: str) -> dict[str, str]:
    """The extra_fields column ("权重:10;指标方向性:正向") back into its mapping."""
    pairs = (part.split(":", 1) for part in text.split(";") if ":" in part)
    return {k: v for k, v in pairs}


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[last] = value


def _header(table: Table, columns: tuple[Column, ...]) -> tuple[dict[str, int], int]:
    """Column positions by name, and the first data row (a row of Chinese titles is skipped)."""
    rows = table.rows()
    at = {c.text.strip(): c.col for c in rows[0]}
    titles = {c.title for c in columns}
    first = 2 if len(rows) > 1 and {c.text.strip() for c in rows[1] if c.text.strip()} <= titles else 1
    return at, first


def _cells(table: Table) -> dict[tuple[int, int], Cell]:
    return {(c.row, c.col): c for c in table.cells}


def _project(
    table: Table, row: int, at: dict[str, int], cells: dict[tuple[int, int], Cell]
) -> dict[str, Any]:
    source = SourceRef(file=table.file, line_start=row + 1, line_end=row + 1, layout=NAME, sheet=table.sheet)
    data = Record(project_name="", source=source).to_dict()
    data["budget_match"] = None
    match: dict[str, Any] = {}
    for column in PROJECTS:
        if not column.path or column.path in SKIP or column.name not in at:
            continue
        cell = cells.get((row, at[column.name]))
        value = _value(column, cell.text if cell else "")
        if column.path == "extra":
            data["extra"] = parse_extra(str(value or ""))
        elif column.path == "spending_plan":
            data["spending_plan"] = {k: float(v) for k, v in _PLAN.findall(str(value or ""))}
        elif column.path.startswith("budget_match."):
            match[column.path.split(".", 1)[1]] = value
        elif column.type == "string" and value is None:
            continue
        else:
            _set(data, column.path, "" if value is None and column.type in ("string", "date") else value)
    if match.get("name"):
        data["budget_match"] = {**match, "line": row + 1}
    return data


def _indicators(table: Table | None) -> dict[str, list[dict[str, Any]]]:
    """Indicator rows by the project key they name, in sheet order."""
    if table is None:
        return {}
    at, first = _header(table, INDICATORS)
    cells = _cells(table)
    out: dict[str, list[dict[str, Any]]] = {}
    for row in range(first, table.n_rows):
        values = {
            c.name: _value(c, cells[(row, at[c.name])].text)
            for c in INDICATORS
            if (row, at.get(c.name, -1)) in cells
        }
        key = str(values.pop("project_id", "") or "")
        if not key:
            continue
        values.pop("seq", None)
        extra = parse_extra(str(values.pop("extra_fields", "") or ""))
        ind = {k: ("" if v is None and k not in ("number",) else v) for k, v in values.items()}
        ind["extra"] = extra
        out.setdefault(key, []).append(ind)
    return out


def _key(table: Table, row: int, at: dict[str, int], cells: dict[tuple[int, int], Cell]) -> str:
    cell = cells.get((row, at.get("project_id", -1)))
    return cell.text.strip() if cell else ""


def indicator_rows(tables: list[Table]) -> dict[str, list[dict[str, Any]]]:
    """The indicator rows of a workbook, by the project key they name."""
    return _indicators(next((t for t in tables if data_kind(t) == "indicators"), None))


def read_tables(tables: list[Table]) -> list[ExtractedTable]:
    """Every data row of the projects table as a record, with the indicators the same
    workbook gives it. The record keeps the key of its row (a published id, or the
    template's 1, 2, 3 …) as project_id until the pipeline gives it its real id, so the
    indicators of a separate workbook (our indicators.xlsx) can still find it."""
    projects = next((t for t in tables if data_kind(t) == "projects"), None)
    if projects is None:
        return []
    indicators = indicator_rows(tables)
    at, first = _header(projects, PROJECTS)
    cells = _cells(projects)
    out: list[ExtractedTable] = []
    for row in range(first, projects.n_rows):
        if not any(cells[(row, k)].text.strip() for k in at.values() if (row, k) in cells):
            continue  # an empty row of the template
        data = _project(projects, row, at, cells)
        key = _key(projects, row, at, cells)
        data["indicators"] = indicators.get(key, [])
        data["project_id"] = "0000-unassigned"  # a well-formed id to validate; the real one comes later
        position: dict[str, object] = {"sheet": projects.sheet, "cell": f"第{row + 1}行"}
        try:
            record = Record.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            reason = f"{dotted(field_path(err))}：{describe(err)}"
            out.append(ExtractedTable(row + 1, row + 1, None, "failed", reason, position=position))
            continue
        record.project_id = key  # a key until the ids are assigned (not validated: any text)
        out.append(ExtractedTable(row + 1, row + 1, record, "ok", position=position))
    return out
