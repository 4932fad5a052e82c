"""Records -> rows of the published tables (plain dicts keyed by column name), each
cell filled by its column's getter (generator.publish.schema)."""

from __future__ import annotations

from typing import Any

from generator.corpus import Department
from generator.model import Record
from generator.publish.schema import DEPARTMENTS, INDICATORS, PROJECTS, QUALITY, Column

Row = dict[str, Any]


def _row(columns: tuple[Column, ...], item: Any) -> Row:
    return {c.name: c.get(item) for c in columns}


def _by_id(projects: list[Record]) -> list[Record]:
    return sorted(projects, key=lambda p: p.project_id)


def project_row(p: Record) -> Row:
    return _row(PROJECTS, p)


def project_rows(projects: list[Record]) -> list[Row]:
    return [project_row(p) for p in _by_id(projects)]


def indicator_rows(projects: list[Record]) -> list[Row]:
    out = []
    for p in _by_id(projects):
        seq = {"period": 0, "annual": 0}
        for ind in p.indicators:
            seq[ind.scope] += 1
            out.append(_row(INDICATORS, (p, seq[ind.scope], ind)))
    return out


def quality_rows(projects: list[Record]) -> list[Row]:
    out = []
    for p in _by_id(projects):
        notes = sorted(p.quality_notes, key=lambda f: (f.code, f.line, f.message))
        out += [_row(QUALITY, (p, n, flag)) for n, flag in enumerate(notes, 1)]
    return out


def department_rows(depts: list[Department]) -> list[Row]:
    return [_row(DEPARTMENTS, d) for d in depts]
