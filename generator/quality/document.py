"""Document level: the number of projects a document says it publishes against the
tables it prints, budget lines without a table, a department in two documents."""

from __future__ import annotations

import re
from collections import defaultdict

from generator.model import Record
from generator.quality.common import Sources, at, yuan

# "纳入绩效目标管理的二级项目33个", "公开项目绩效目标33个"
_SPACE = re.compile(r"\s")
_COUNT = re.compile(r"(?:纳入绩效目标管理的|公开)(?:二级)?项目(?:绩效目标)?(?P<n>\d+)个")


def check_project_count(records: list[Record], src: Sources) -> None:
    by_file: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_file[rec.source.file].append(rec)
    for file, recs in by_file.items():
        lines = src.text(file)
        for n, text in enumerate(lines, 1):
            if "个" not in text:  # every statement of a count ends in 个: most lines are skipped
                continue
            found = list(_COUNT.finditer(_SPACE.sub("", text)))
            counts = {int(m.group("n")) for m in found}
            if len(counts) != 1:
                continue
            stated = counts.pop()
            if stated == len(recs):
                break
            for rec in recs:
                rec.flag(
                    "project_count_mismatch",
                    n,
                    at=at(n),
                    stated=stated,
                    printed=len(recs),
                    said="”“".join(dict.fromkeys(m.group(0) for m in found)),
                )
            break


def check_budget_lines(records: list[Record], src: Sources) -> None:
    """003: lines of the department's 项目支出预算表 that no performance table matches,
    on the records of the unit that spends them (else every record of the document)."""
    from generator.extract.budget import parse_budget_table

    by_file: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_file[rec.source.file].append(rec)
    for file, recs in by_file.items():
        if not any(r.budget_match for r in recs):
            continue
        matched = {r.budget_match.line for r in recs if r.budget_match}
        for line in parse_budget_table(src.text(file)):
            if line.line in matched:
                continue
            own = [r for r in recs if r.unit_name == line.unit_name] or recs
            for rec in own:
                rec.flag(
                    "budget_line_without_table",
                    line.line,
                    at=at(line.line),
                    name=line.name,
                    unit=line.unit_name,
                    amount=yuan(line.amount_yuan),
                )


def check_two_documents(records: list[Record]) -> None:
    """The same region and department in more than one document."""
    files: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        if rec.region and rec.department_name:
            files[(rec.region, rec.department_name)].add(rec.source.file)
    for rec in records:
        others = sorted(files.get((rec.region, rec.department_name), set()) - {rec.source.file})
        if others:
            rec.flag("department_in_two_documents", rec.source.line_start, files="、".join(others))
