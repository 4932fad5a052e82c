"""Quality flags computed over all records.

Each flag is a snake_case code on `record.quality_flags` with a short note in
`record.quality_notes` that says which lines or amounts triggered it. The checks
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

# every flag code any module sets, explained for citizens reading the site
QUALITY_FLAGS: dict[str, str] = {
    "funds_sum_mismatch": "资金来源各行（中央、省级、市县、自筹、其他等）加起来不等于表中的资金合计。",
    "annual_exceeds_period": "年度资金大于整个实施期（中期）的资金总额，二者至少有一个填错。",
    "text_amount_mismatch": "项目概况或目标文字里写明的金额与表中的资金合计不一致。",
    "placeholder_text": "表中留有模板占位文字（如“目标内容1”“指标1”）或绩效目标空白，没有真正填写。",
    "implausible_unit": "某个指标值的金额远远超过项目的全部资金，单位很可能写错（例如把“元”写成“万元”）。",
    "boilerplate_values": "所有绩效指标都填了同一个值，指标很可能没有按项目实际情况填写。",
    "indicators_copied": "绩效指标与另一个部门的不相关项目完全相同，可能是照抄的。",
    "duplicate_submission": "同一地区、同一部门和单位的同名项目出现了不止一次，可能重复公开。",
    "indicator_value_missing": "有绩效指标没有填写指标值。",
    "indicator_name_missing": "有绩效指标只填了指标值，没有填写指标名称（三级指标）。",
    "indicator_level_inferred": (
        "原表没有印出某些指标的一级或二级分类，我们根据指标所在位置或名称推断了分类。"
    ),
    "table_truncated": "原表不完整（缺少部分内容或被截断），这里只发布了表中能读到的部分。",
    "continuation_header_differs": "跨页续表的表头与首页不一致，合并时请留意。",
    "ocr_name_mismatch": (
        "绩效目标表上的项目名称与部门预算表中的名称不同（多为扫描识别错字），预算表名称见核对信息。"
    ),
    "budget_amount_mismatch": "绩效目标表上的金额与部门项目支出预算表中的金额不同。",
    "budget_line_missing": "在部门项目支出预算表中找不到与这个项目对应的一行。",
    "department_name_truncated": "原表中的主管部门名称不完整（被截断）。",
    "category_unmarked": "原表没有标明项目分类（A类/B类/C类）。",
    "header_cell_misplaced": "原表表头的某个格子错位，我们按内容把它放回了正确的位置。",
}

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


def _column_sum_note(name: str, column: FundColumn) -> str:
    if column.total is None:
        return ""
    for group in _ROW_GROUPS:
        values = [getattr(column, k) for k in group]
        if all(v is None for v in values):
            continue
        parts = Decimal(sum(Decimal(str(v)) for v in values if v is not None))
        total = Decimal(str(column.total))
        if abs(parts - total) > Decimal("0.01"):
            return f"{_COLUMN_NAMES[name]}各行合计{_yuan(parts)}，表中总额{_yuan(total)}"
        return ""
    return ""


def _check_funds(record: Record) -> None:
    notes = [
        n
        for n in (
            _column_sum_note("period", record.funds.period),
            _column_sum_note("annual", record.funds.annual),
        )
        if n
    ]
    if notes:
        record.flag("funds_sum_mismatch", "；".join(notes))
    period, annual = record.funds.period.total, record.funds.annual.total
    if period is not None and annual is not None and period > 0 and annual > period:
        record.flag("annual_exceeds_period", f"年度{_yuan(annual)} > 实施期{_yuan(period)}")


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
            record.flag("text_amount_mismatch", f"文字写“{phrase}”（{_yuan(yuan)}），表中总额{table}")
            return


# ---------------------------------------------------------------- placeholders and values


def _check_placeholders(record: Record) -> None:
    found: list[str] = []
    for field_name in _TEXT_FIELDS:
        m = _PLACEHOLDER_TEXT.search(getattr(record, field_name))
        if m:
            found.append(f"{field_name}: {m.group(0)}")
    for ind in record.indicators:
        if _PLACEHOLDER_NAME.match(ind.name.strip()):
            found.append(f"indicator: {ind.name}")
    if not record.goal_period.strip() and not record.goal_annual.strip():
        found.append("no goal given")
    if found:
        record.flag("placeholder_text", "; ".join(dict.fromkeys(found)))


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
                f"指标“{ind.name}”值{ind.value}即{_yuan(yuan)}，项目资金{_yuan(reference)}",
            )
            return


def _check_boilerplate(record: Record) -> None:
    values = [ind.value for ind in record.indicators if ind.value.strip()]
    if len(values) >= 4 and len(set(values)) == 1:
        record.flag("boilerplate_values", f"全部{len(values)}个指标的值都是“{values[0]}”")


# ---------------------------------------------------------------- across records


def _where(record: Record) -> str:
    return f"{record.source.file} line {record.source.line_start}"


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
            others = ", ".join(_where(o) for o in group if o is not rec)
            rec.flag("duplicate_submission", f"same project also at {others}")


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
                    f"indicators identical to “{first.project_name}” "
                    f"({first.department_name}, {_where(first)})",
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
