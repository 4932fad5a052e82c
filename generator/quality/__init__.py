"""Quality flags computed over all (corrected) records.

Each flag is a code of the catalogue (generator/quality_codes.py, with its severity
严重/注意/提示 in `SEVERITY`) on `record.quality_flags`, with a note per occurrence in
`record.quality_notes`: in plain Chinese, naming the field or indicator row, the numbers
compared and the source line (also the note's `line`). The checks are deliberately
conservative: a flag tells a reader "look twice here", so a false alarm costs trust,
and a 0 printed in a table is taken at its word unless the same table says otherwise.

A table cut off (table_truncated) gets no record-level check: what is missing would
only be reported again as rows that don't add up or goals not filled.

The families of checks are modules: funds (rows and the two columns), texts (amounts
and dates in the texts), costs (cost indicators against the budget), values
(impossible values), sides (within one table), forms (a form not filled in), copies
and document (across records).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.model import Flag, Record
from generator.quality import copies, costs, document, forms, funds, sides, texts, values
from generator.quality.common import Sources
from generator.quality.texts import stated_amounts
from generator.quality_codes import QUALITY, SEVERITY

__all__ = ["QUALITY_FLAGS", "SEVERITY", "compute_flags", "stated_amounts"]

# every flag code, explained for citizens reading the site (from the catalogue)
QUALITY_FLAGS: dict[str, str] = {k.code: k.title for k in QUALITY}

DEFAULT_RAW = Path("data") / "raw"

_RECORD_CHECKS: tuple[Callable[[Record, Sources], None], ...] = (
    funds.check_fund_rows,
    funds.check_period_vs_annual,
    texts.check_text_amounts,
    texts.check_earlier_year_amount,
    texts.check_fill_date,
    costs.check_costs,
    costs.check_unit_costs,
    costs.check_budget_table_cost,
    values.check_values,
    values.check_scale,
    sides.check_sides,
    sides.check_repeats,
    sides.check_doubled_text,
    sides.check_truncated_names,
    forms.check_placeholders,
    forms.check_boilerplate,
)


def compute_flags(
    records: list[Record],
    raw: Path | None = None,
    published: dict[str, str] | None = None,
    memo: dict[str, list[dict[str, Any]]] | None = None,
) -> list[str]:
    """Add the generic quality flags to every record (deterministic, in place).

    `raw` is the folder of the published documents (default data/raw under the working
    directory), read to cite the line of a row; without it a note cites the table's
    first line. `published` gives each document's publication date, when known.

    `memo` holds the notes of the checks of one record by the record's content and its
    document's publication date: a record met before is not checked again (the caller
    keeps one memo per set of documents, whose lines the notes cite). The checks across
    records always run. Returns the memo keys of these records (to prune the others)."""
    dates = dict(published or {})
    keys: list[str] = []
    src = Sources(raw if raw is not None else DEFAULT_RAW, dates)
    for rec in records:
        if "table_truncated" in rec.quality_flags:
            continue
        key = _memo_key(rec, dates) if memo is not None else ""
        keys.append(key)
        if memo is not None and key in memo:
            for note in memo[key]:
                rec.add_note(Flag.model_validate(note))
            continue
        before = len(rec.quality_notes)
        for check in _RECORD_CHECKS:
            check(rec, src)
        if memo is not None:
            memo[key] = [n.model_dump(mode="json") for n in rec.quality_notes[before:]]
    copies.check_duplicates(records)
    copies.check_copied_indicators(records)
    copies.check_fund_use(records, src)
    document.check_project_count(records, src)
    document.check_budget_lines(records, src)
    document.check_two_documents(records)
    return keys


def _memo_key(rec: Record, dates: dict[str, str]) -> str:
    data = rec.model_dump_json() + "\0" + dates.get(rec.source.file, "")
    return hashlib.sha256(data.encode()).hexdigest()
