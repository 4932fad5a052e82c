"""Across records: the same project published twice, indicators copied from an
unrelated project, a 资金用途 that names another project."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from generator.model import Record
from generator.quality.common import Sources, at, totals, yuan


def name_key(name: str) -> str:
    return re.sub(r"[\s\u3000。，,.、]", "", name)


def related(a: str, b: str) -> bool:
    """Project names close enough that sharing indicators or goals is expected."""
    x, y = name_key(a), name_key(b)
    return x in y or y in x or difflib.SequenceMatcher(None, x, y).ratio() >= 0.5


def _amounts(rec: Record) -> tuple[object, object]:
    return (rec.funds.period.total, rec.funds.annual.total)


def check_duplicates(records: list[Record]) -> None:
    """Same region, department, unit and name, and the same amounts: published twice.
    Two allocations that share a name but not their amounts are two projects."""
    groups: dict[tuple[object, ...], list[Record]] = defaultdict(list)
    for rec in records:
        if not totals(rec):
            continue
        key = (rec.region, rec.department_name, rec.unit_name, name_key(rec.project_name), *_amounts(rec))
        groups[key].append(rec)
    for group in groups.values():
        if len(group) < 2:
            continue
        lines = "、".join(at(r.source.line_start) for r in sorted(group, key=lambda r: r.source.line_start))
        for rec in group:
            others = sorted(o.project_id for o in group if o is not rec)
            amount = yuan(
                rec.funds.annual.total if rec.funds.annual.total is not None else rec.funds.period.total
            )
            rec.flag(
                "duplicate_submission",
                rec.source.line_start,
                related=others,
                at=at(rec.source.line_start),
                count=len(group),
                lines=lines,
                amount=amount,
            )


def check_copied_indicators(records: list[Record]) -> None:
    groups: dict[tuple[tuple[str, str], ...], list[Record]] = defaultdict(list)
    for rec in records:
        signature = tuple((name_key(i.name), i.value) for i in rec.indicators)
        # short lists (a satisfaction rate and a deadline) are shared by chance
        if len(signature) >= 4:
            groups[signature].append(rec)
    for group in groups.values():
        for rec in group:
            others = [
                o
                for o in group
                if o is not rec
                and (o.region, o.department_name) != (rec.region, rec.department_name)
                and not related(o.project_name, rec.project_name)
            ]
            if others:
                first = others[0]
                rec.flag(
                    "indicators_copied",
                    rec.source.line_start,
                    related=[first.project_id],
                    fields=["indicators"],
                    at=at(rec.source.line_start),
                    other=first.project_name,
                    department=first.department_name,
                    other_at=at(first.source.line_start),
                )


def check_fund_use(records: list[Record], src: Sources) -> None:
    """资金用途 that is the name of another project of the same document, not its own."""
    by_file: dict[str, dict[str, Record]] = defaultdict(dict)
    for rec in records:
        by_file[rec.source.file].setdefault(name_key(rec.project_name), rec)
    for rec in records:
        use = name_key(rec.fund_use)
        other = by_file[rec.source.file].get(use)
        if not use or other is None or other is rec or related(use, rec.project_name):
            continue
        line = src.find(rec, "资金用途", rec.fund_use)
        rec.flag(
            "fund_use_other_project",
            line,
            related=[other.project_id],
            fields=["fund_use"],
            at=at(line),
            use=rec.fund_use,
            other_at=at(other.source.line_start),
        )
