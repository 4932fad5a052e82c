"""Quality flags computed over all (corrected) records.

Each flag is a code of the catalogue (generator/quality_codes.py) on
`record.quality_flags`, with a note per occurrence in `record.quality_notes` that says
which amounts or texts triggered it; positions are fields of the note. The checks
are deliberately conservative: a flag tells a reader "look twice here", so a
false alarm costs trust, and a 0 printed in a table is taken at its word unless
the same table says otherwise.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from decimal import Decimal

from generator.model import Amount, FundColumn, Record
from generator.quality_codes import QUALITY

# every flag code, explained for citizens reading the site (from the catalogue)
QUALITY_FLAGS: dict[str, str] = {k.code: k.title for k in QUALITY}

_COLUMN_NAMES = {"period": "实施期", "annual": "年度"}
# the rows that add up to a column's total: the national form's rows, or 004's
# 财政资金 + 其他资金 where the level of government is not stated
_ROW_GROUPS: tuple[tuple[str, ...], ...] = (
    ("central", "provincial", "local", "self_raised", "other"),
    ("fiscal", "other"),
)
_TEXT_FIELDS = ("overview", "goal_period", "goal_annual")

# an amount the text states as the project's total; the strong words name the
# total itself, the weak ones ("共", "合计") may also sum a part of the project
_STRONG_WORDS = "总投入|总投资|项目总资金|项目资金|资金总额|总金额|总预算"
_WEAK_WORDS = "共计|合计|共"
_STATED = re.compile(
    rf"(?P<word>{_STRONG_WORDS}|{_WEAK_WORDS})(?:资金|金额|投资|投入|费用|经费)?[为:：]?\s*"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)"
)
_PLACEHOLDER_TEXT = re.compile(r"(目标内容|指标内容|项目内容)\s*\d+")
_PLACEHOLDER_NAME = re.compile(r"^(指标|三级指标|指标名称)\s*\d+$")
_MONEY_UNIT = re.compile(r"^(亿元|万元|元)")
_MONEY_FACTOR = {"亿元": Decimal(100_000_000), "万元": Decimal(10_000), "元": Decimal(1)}
_COST_WORDS = re.compile(r"成本|资金|预算|经费|投入|投资")


def _yuan(amount: Amount | Decimal) -> str:
    value = Decimal(str(amount)) if amount is not None else Decimal(0)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return f"{value:,}元"


def _close(a: Decimal, b: Decimal) -> bool:
    """Equal up to rounding: a stated "约67.5万元" still agrees with 675,400 yuan."""
    return abs(a - b) <= max(Decimal(1), abs(b) * Decimal("0.005"))


# ---------------------------------------------------------------- funds


# Shanghai's 申报表 splits the year's money by the year it was granted: 当年财政拨款 +
# 上年结转资金 + 其他资金 = the total; when a table prints those rows, they are the check
_BY_YEAR: tuple[str, ...] = ("current_year", "carried_over", "other")


def _column_sum_note(name: str, column: FundColumn) -> dict[str, str] | None:
    if column.total is None:
        return None
    by_year = column.current_year is not None or column.carried_over is not None
    for group in (_BY_YEAR,) if by_year else _ROW_GROUPS:
        values = [getattr(column, k) for k in group]
        if all(v is None for v in values):
            continue
        parts = Decimal(sum(Decimal(str(v)) for v in values if v is not None))
        total = Decimal(str(column.total))
        if abs(parts - total) > Decimal("0.01"):
            return {"column": _COLUMN_NAMES[name], "parts": _yuan(parts), "total": _yuan(total)}
        return None
    return None


def _check_funds(record: Record) -> None:
    for name in ("period", "annual"):
        note = _column_sum_note(name, getattr(record.funds, name))
        if note:
            record.flag("funds_sum_mismatch", **note)
    period, annual = record.funds.period.total, record.funds.annual.total
    if period is not None and annual is not None and period > 0 and annual > period:
        record.flag("annual_exceeds_period", annual=_yuan(annual), period=_yuan(period))


# ---------------------------------------------------------------- text vs table


def stated_amounts(record: Record) -> list[tuple[str, Decimal, bool]]:
    """Amounts the overview and goals state as a total: (phrase, yuan, strong word?)."""
    out: list[tuple[str, Decimal, bool]] = []
    for field_name in _TEXT_FIELDS:
        for m in _STATED.finditer(getattr(record, field_name)):
            yuan = Decimal(m.group("num").replace(",", "")) * _MONEY_FACTOR[m.group("unit")]
            strong = re.fullmatch(_STRONG_WORDS, m.group("word")) is not None
            out.append((m.group(0), yuan, strong))
    return out


def _table_totals(record: Record) -> list[Decimal]:
    return [Decimal(str(t)) for t in (record.funds.period.total, record.funds.annual.total) if t is not None]


def _check_text_amount(record: Record) -> None:
    totals = _table_totals(record)
    stated = stated_amounts(record)
    if not totals or not stated:
        return
    if any(_close(yuan, t) for _, yuan, _ in stated for t in totals):
        return  # the text states the table's total somewhere: the rest may be parts
    table = "、".join(dict.fromkeys(_yuan(t) for t in totals))
    for phrase, yuan, strong in stated:
        all_zero = all(t == 0 for t in totals)
        # a 共/合计 amount smaller than the total may be one part of the project
        if yuan > 0 and (all_zero or strong or yuan > max(totals)):
            record.flag("text_amount_mismatch", phrase=phrase, stated=_yuan(yuan), table=table)
            return


# ---------------------------------------------------------------- placeholders and values


def _check_placeholders(record: Record) -> None:
    found: list[str] = []
    for field_name in _TEXT_FIELDS:
        m = _PLACEHOLDER_TEXT.search(getattr(record, field_name))
        if m:
            found.append(f"{Record.model_fields[field_name].title}留有“{m.group(0)}”")
    for ind in record.indicators:
        if _PLACEHOLDER_NAME.match(ind.name.strip()):
            found.append(f"指标名称是“{ind.name}”")
    if not record.goal_period.strip() and not record.goal_annual.strip():
        found.append("没有填写绩效目标")
    if found:
        record.flag("placeholder_text", found="；".join(dict.fromkeys(found)))


def _reference_amount(record: Record) -> Decimal | None:
    """The project's size in yuan: its largest table total, else an amount its text states."""
    positive = [t for t in _table_totals(record) if t > 0]
    if positive:
        return max(positive)
    stated = [yuan for _, yuan, _ in stated_amounts(record) if yuan > 0]
    return max(stated) if stated else None


def _check_units(record: Record) -> None:
    reference = _reference_amount(record)
    if reference is None:
        return
    for ind in record.indicators:
        m = _MONEY_UNIT.match(ind.unit)
        if ind.number is None or not m:
            continue
        # only cost-type indicators: a benefit (成交额, 增收) may rightly exceed the cost
        if not (
            ind.level2 == "成本指标"
            or ind.level1 == "成本指标"
            or _COST_WORDS.search(ind.name + ind.description)
        ):
            continue
        yuan = Decimal(str(ind.number)) * _MONEY_FACTOR[m.group(1)]
        if yuan > reference * 100:
            record.flag(
                "implausible_unit",
                name=ind.name,
                value=ind.value,
                yuan=_yuan(yuan),
                reference=_yuan(reference),
            )
            return


def _check_boilerplate(record: Record) -> None:
    values = [ind.value for ind in record.indicators if ind.value.strip()]
    if len(values) >= 4 and len(set(values)) == 1:
        record.flag("boilerplate_values", count=len(values), value=values[0])


# ---------------------------------------------------------------- across records


def _name_key(name: str) -> str:
    return re.sub(r"[\s\u3000。，,.、]", "", name)


def _related(a: str, b: str) -> bool:
    """Project names close enough that sharing indicators is expected."""
    x, y = _name_key(a), _name_key(b)
    return x in y or y in x or difflib.SequenceMatcher(None, x, y).ratio() >= 0.5


def _check_duplicates(records: list[Record]) -> None:
    groups: dict[tuple[str, str, str, str], list[Record]] = defaultdict(list)
    for rec in records:
        groups[(rec.region, rec.department_name, rec.unit_name, _name_key(rec.project_name))].append(rec)
    for group in groups.values():
        if len(group) < 2:
            continue
        for rec in group:
            others = sorted(o.project_id for o in group if o is not rec)
            rec.flag("duplicate_submission", rec.source.line_start, related=others, count=len(group))


def _check_copied(records: list[Record]) -> None:
    groups: dict[tuple[tuple[str, str], ...], list[Record]] = defaultdict(list)
    for rec in records:
        signature = tuple((_name_key(i.name), i.value) for i in rec.indicators)
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
                and not _related(o.project_name, rec.project_name)
            ]
            if others:
                first = others[0]
                rec.flag(
                    "indicators_copied",
                    related=[first.project_id],
                    other=first.project_name,
                    department=first.department_name,
                )


def compute_flags(records: list[Record]) -> None:
    """Add the generic quality flags to every record (deterministic, in place)."""
    for rec in records:
        _check_funds(rec)
        _check_text_amount(rec)
        _check_placeholders(rec)
        _check_units(rec)
        _check_boilerplate(rec)
    _check_duplicates(records)
    _check_copied(records)
