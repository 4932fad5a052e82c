"""Check every record in data/records/ against the record schema.

All problems are collected (file, line, hint) before anything is reported;
quality flags are data about the source, never validation errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.model import EXTRA_FUND_ROWS, FUND_ROWS, SCOPES
from generator.paths import Paths
from generator.problems import ERROR, WARNING, Report
from generator.quality import QUALITY_FLAGS
from generator.text import LEVEL1

Check = Callable[[Any], str | None]  # returns what is wrong, or None


def _str(v: Any) -> str | None:
    return None if isinstance(v, str) else "expected text"


def _nonempty(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "must not be empty"


def _int_or_null(v: Any) -> str | None:
    return (
        None
        if v is None or (isinstance(v, int) and not isinstance(v, bool))
        else "expected a whole number or null"
    )


def _amount(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        return "expected an amount in yuan (a number) or null"
    return None if v >= 0 else "an amount cannot be negative"


def _number_or_null(v: Any) -> str | None:
    return (
        None
        if v is None or (isinstance(v, int | float) and not isinstance(v, bool))
        else "expected a number or null"
    )


def _one_of(options: tuple[str, ...]) -> Check:
    return lambda v: None if v in options else f"expected one of {', '.join(options)}"


def _iso_date(v: Any) -> str | None:
    import re

    return (
        None
        if isinstance(v, str) and (v == "" or re.fullmatch(r"\d{4}-\d\d-\d\d", v))
        else "expected yyyy-mm-dd or ''"
    )


TOP: dict[str, Check] = {
    "project_id": _nonempty,
    "year": _int_or_null,
    "province": _nonempty,
    "region": _nonempty,
    "department_code": _str,
    "department_name": _nonempty,
    "unit_name": _str,
    "project_name": _nonempty,
    "project_code": _str,
    "attribute": _str,
    "period_years": _int_or_null,
    "category": _str,
    "funds": lambda v: None if isinstance(v, dict) else "expected a mapping",
    "spending_plan": lambda v: None if isinstance(v, dict) else "expected a mapping",
    "fund_use": _str,
    "overview": _str,
    "basis": _str,
    "necessity": _str,
    "measures": _str,
    "plan": _str,
    "goal_period": _str,
    "goal_annual": _str,
    "indicators": lambda v: None if isinstance(v, list) else "expected a list",
    "fill_date": _iso_date,
    "budget_match": lambda v: None if v is None or isinstance(v, dict) else "expected a mapping or null",
    "source": lambda v: None if isinstance(v, dict) else "expected a mapping",
    "quality_flags": lambda v: None if isinstance(v, list) else "expected a list",
    "quality_notes": lambda v: None if isinstance(v, dict) else "expected a mapping",
    "corrected_fields": lambda v: None if isinstance(v, list) else "expected a list",
}
INDICATOR: dict[str, Check] = {
    "scope": _one_of(SCOPES),
    "level1": _nonempty,
    "level2": _nonempty,
    "name": _str,  # may be empty where the source printed a value without a name (flagged)
    "description": _str,
    "value": _str,
    "op": _one_of(("", "≥", "≤", "=", ">", "<")),
    "number": _number_or_null,
    "unit": _str,
    "basis": _str,
}
SOURCE: dict[str, Check] = {
    "file": _nonempty,
    "line_start": lambda v: None if isinstance(v, int) and v > 0 else "expected a line number",
    "line_end": lambda v: None if isinstance(v, int) and v > 0 else "expected a line number",
    "layout": _str,
}


def _line(node: Any, key: Any, default: int) -> int:
    try:
        if isinstance(node, CommentedMap):
            return int(node.lc.key(key)[0]) + 1
        if isinstance(node, CommentedSeq):
            return int(node.lc.item(key)[0]) + 1
    except (KeyError, IndexError, TypeError):
        pass
    return default


def _check_map(
    node: Any,
    schema: dict[str, Check],
    where: str,
    rel: str,
    line: int,
    report: Report,
    optional: dict[str, Check] | None = None,
) -> None:
    if not isinstance(node, dict):
        return
    optional = optional or {}
    for key, check in optional.items():
        if key in node and (problem := check(node[key])):
            report.add(rel, _line(node, key, line), "wrong-type", ERROR, f"{where}{key}: {problem}")
    for key, check in schema.items():
        if key not in node:
            report.add(
                rel,
                line,
                "missing-field",
                ERROR,
                f"{where}{key} is missing",
                "run `budget-site extract` again, or add the field by hand",
            )
            continue
        problem = check(node[key])
        if problem:
            report.add(
                rel,
                _line(node, key, line),
                "wrong-type",
                ERROR,
                f"{where}{key}: {problem}, got {node[key]!r}",
                "fix the value or re-extract",
            )
    for key in node:
        if key not in schema and key not in optional:
            report.add(
                rel,
                _line(node, key, line),
                "unknown-field",
                ERROR,
                f"{where}{key} is not a record field",
                "check the spelling against ../shared/docs/DATA_MODEL.md",
            )


def _check_funds(funds: Any, rel: str, report: Report) -> None:
    if not isinstance(funds, dict):
        return
    for column in ("period", "annual"):
        col = funds.get(column)
        if not isinstance(col, dict):
            report.add(rel, _line(funds, column, 1), "wrong-type", ERROR, f"funds.{column} must be a mapping")
            continue
        for key, value in col.items():
            if key not in FUND_ROWS + EXTRA_FUND_ROWS:
                report.add(
                    rel,
                    _line(col, key, 1),
                    "unknown-field",
                    ERROR,
                    f"funds.{column}.{key} is not a fund row",
                    f"fund rows are {', '.join(FUND_ROWS + EXTRA_FUND_ROWS)}",
                )
            elif problem := _amount(value):
                report.add(
                    rel,
                    _line(col, key, 1),
                    "wrong-type",
                    ERROR,
                    f"funds.{column}.{key}: {problem}",
                    "amounts are yuan; 万元 × 10000",
                )
    if funds.get("unit_in_source") not in ("元", "万元"):
        report.add(
            rel,
            _line(funds, "unit_in_source", 1),
            "wrong-type",
            ERROR,
            "funds.unit_in_source must be 元 or 万元",
        )


def validate_record(data: Any, path: Path, rel: str, report: Report) -> None:
    if not isinstance(data, dict):
        report.add(
            rel,
            1,
            "not-a-record",
            ERROR,
            "file does not hold a record mapping",
            "a record starts with project_id: …",
        )
        return
    _check_map(data, TOP, "", rel, 1, report)
    if data.get("project_id") and path.stem != data.get("project_id"):
        report.add(
            rel,
            _line(data, "project_id", 1),
            "id-filename",
            ERROR,
            f"project_id {data.get('project_id')} does not match the file name",
            "rename the file",
        )
    _check_funds(data.get("funds"), rel, report)
    for n, ind in enumerate(data.get("indicators") or []):
        _check_map(ind, INDICATOR, f"indicators.{n}.", rel, _line(data["indicators"], n, 1), report)
        if isinstance(ind, dict) and ind.get("level1") not in LEVEL1:
            report.add(
                rel,
                _line(data["indicators"], n, 1),
                "unusual-level1",
                WARNING,
                f"indicators.{n}.level1 {ind.get('level1')!r} is not one of {', '.join(LEVEL1)}",
            )
    # source.continued is written only for a table continued on another page
    _check_map(
        data.get("source"),
        SOURCE,
        "source.",
        rel,
        _line(data, "source", 1),
        report,
        optional={"continued": lambda v: None if isinstance(v, list) else "expected a list"},
    )
    for code in data.get("quality_flags") or []:
        if code not in QUALITY_FLAGS:
            report.add(
                rel,
                _line(data, "quality_flags", 1),
                "unknown-flag",
                ERROR,
                f"quality flag {code!r} is not documented",
                "add it to generator.quality.QUALITY_FLAGS",
            )


def run_validate(paths: Paths) -> tuple[Report, int]:
    """Validate every record file; return the report and the number of files read."""
    report = Report()
    files = sorted(paths.records.glob("*.yaml")) if paths.records.is_dir() else []
    if not files:
        report.add(
            paths.rel(paths.records),
            0,
            "no-records",
            ERROR,
            "no records to validate",
            "run `budget-site extract` first",
        )
    yaml = YAML(typ="rt")
    for path in files:
        rel = paths.rel(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except YAMLError as exc:
            # "while scanning a quoted scalar" points where the broken construct starts,
            # which is where a maintainer has to look; the problem mark may be at EOF
            mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
            context = getattr(exc, "context", None)
            problem = getattr(exc, "problem", None) or str(exc)
            report.add(
                rel,
                mark.line + 1 if mark else 0,
                "broken-yaml",
                ERROR,
                f"not valid YAML: {context + ': ' if context else ''}{problem}",
                "fix the syntax at that line, or delete the file and run `budget-site extract`",
            )
            continue
        except UnicodeDecodeError:
            report.add(rel, 0, "broken-yaml", ERROR, "record is not UTF-8 text", "re-extract it")
            continue
        validate_record(data, path, rel, report)
    return report, len(files)
