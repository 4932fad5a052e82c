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


def _indicator_rows(p: Record) -> list[Row]:
    out = []
    seq = {"period": 0, "annual": 0}
    for ind in p.indicators:
        seq[ind.scope] += 1
        out.append(_row(INDICATORS, (p, seq[ind.scope], ind)))
    return out


def indicator_rows(projects: list[Record]) -> list[Row]:
    return [row for p in _by_id(projects) for row in _indicator_rows(p)]


def _quality_rows(p: Record) -> list[Row]:
    notes = sorted(p.quality_notes, key=lambda f: (f.code, f.line, f.message))
    return [_row(QUALITY, (p, n, flag)) for n, flag in enumerate(notes, 1)]


def quality_rows(projects: list[Record]) -> list[Row]:
    return [row for p in _by_id(projects) for row in _quality_rows(p)]


class ProjectRows:
    """Each project's rows of the projects, indicators and quality tables, made once: a
    shard shows them in its region's tables, its department's, its API files and its part
    of the corpus-wide tables. The rows are shared between those tables: read only."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[Row, list[Row], list[Row]]] = {}

    def of(self, p: Record) -> tuple[Row, list[Row], list[Row]]:
        made = self._made.get(p.project_id)
        if made is None:
            made = self._made[p.project_id] = (project_row(p), _indicator_rows(p), _quality_rows(p))
        return made

    def tables(self, projects: list[Record]) -> dict[str, list[Row]]:
        """The projects' rows of the three tables, by project id (as project_rows,
        indicator_rows and quality_rows give them)."""
        made = [self.of(p) for p in _by_id(projects)]
        return {
            "projects": [m[0] for m in made],
            "indicators": [row for m in made for row in m[1]],
            "quality": [row for m in made for row in m[2]],
        }


def department_rows(depts: list[Department]) -> list[Row]:
    return [_row(DEPARTMENTS, d) for d in depts]
