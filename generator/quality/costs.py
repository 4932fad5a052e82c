"""Cost indicators (成本指标, values in 元/万元) against the project's budget."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.model import Indicator, Record
from generator.quality.common import (
    SCOPE_NAMES,
    Sources,
    at,
    close,
    dec,
    is_cost,
    money_unit,
    rows_of,
    totals,
    yuan,
)

# a cost per unit × a quantity may exceed the budget by this much before it is flagged:
# targets are often rounded up ("≥200人") and rates are ceilings ("≤300元/人/月")
UNIT_COST_MARGIN = Decimal("0.5")
CEILING_MARGIN = Decimal("1.1")
IMPLAUSIBLE_FACTOR = 100  # above 100 × the budget: the unit, not the amount, is wrong
_PER_TIME = {"月": 12, "年": 1}
_COST_WORDS = re.compile(r"成本|资金|预算|经费|投入|投资")


def reference_amount(record: Record) -> Decimal | None:
    """The project's size in yuan: its largest table total, else an amount its text states."""
    from generator.quality.texts import stated_amounts

    positive = [t for t in totals(record) if t > 0]
    if positive:
        return max(positive)
    stated = [v for _, _, v, _ in stated_amounts(record) if v > 0]
    return max(stated) if stated else None


def _whole_amount(ind: Indicator) -> Decimal | None:
    """The yuan of a cost indicator stated for the whole project ("≤50万元", "82万元/年"),
    None for a rate per unit ("元/人") or a value that is not money."""
    unit = money_unit(ind.unit)
    if ind.number is None or unit is None or ind.op in ("≥", ">"):
        return None
    factor, rest = unit
    if rest not in ("", "/年", "/项", "/项目"):
        return None
    return dec(ind.number) * factor


def _scope_total(record: Record, scope: str) -> Decimal | None:
    total = getattr(record.funds, scope).total
    if total is None or total == 0:
        total = record.funds.annual.total if scope == "period" else record.funds.period.total
    return dec(total) if total else None


def check_costs(record: Record, src: Sources) -> None:
    """A cost indicator above the project's total (or far above: implausible_unit),
    and the cost items of one side that add up to more than the total."""
    reference = reference_amount(record)
    if reference is None:
        return
    flagged = False
    for ind in record.indicators:
        unit = money_unit(ind.unit)
        if ind.number is None or unit is None:
            continue
        # only cost-type indicators: a benefit (成交额, 增收) may rightly exceed the cost
        if not (is_cost(ind) or _COST_WORDS.search(ind.name + ind.description)):
            continue
        value = dec(ind.number) * unit[0]
        if value > reference * IMPLAUSIBLE_FACTOR:
            line = src.find_row(record, ind.name, ind.value)
            record.flag(
                "implausible_unit",
                line,
                fields=rows_of(record, ind),
                at=at(line),
                name=ind.name,
                value=ind.value,
                yuan=yuan(value),
                reference=yuan(reference),
            )
            flagged = True
    if flagged:
        return
    # keyed by the amounts, so that a name cut short on one side still makes one note
    found: dict[tuple[str, str, str], tuple[str, str, list[str], list[str]]] = {}
    for scope in ("period", "annual"):
        total = _scope_total(record, scope)
        if total is None:
            continue
        items = [
            (ind, v)
            for ind in record.indicators
            if ind.scope == scope and is_cost(ind)
            for v in [_whole_amount(ind)]
            if v is not None
        ]
        # a ceiling ("≤80万元") a little above the budget is a round figure, not a contradiction
        over = [
            (i, v)
            for i, v in items
            if v > total * (CEILING_MARGIN if i.op in ("≤", "<") else 1) and not close(v, total)
        ]
        if over:
            ind, v = over[0]
            note = found.setdefault(
                ("cost_exceeds_total", yuan(v), yuan(total)), (ind.name, ind.value, [], [])
            )
            note[2].append(scope)
            note[3].extend([*rows_of(record, ind), f"funds.{scope}.total"])
            continue
        # the same item on both lines of a wrapped row is one item
        distinct = {(ind.name, v) for ind, v in items}
        summed = Decimal(sum(v for _, v in distinct))
        if len(distinct) >= 2 and summed > total and not close(summed, total):
            names = "、".join(f"“{n}”{yuan(v)}" for n, v in sorted(distinct, key=lambda x: -x[1]))
            key = ("cost_items_exceed_total", yuan(summed), yuan(total))
            note = found.setdefault(key, (items[0][0].name, names, [], []))
            note[2].append(scope)
            note[3].extend(
                [*(f"indicators.{record.indicators.index(i)}" for i, _ in items), f"funds.{scope}.total"]
            )
    for (code, amount, total_text), (name, what, scopes, paths) in found.items():
        scope = "和".join(SCOPE_NAMES[s] for s in scopes)
        fields = list(dict.fromkeys(paths))
        if code == "cost_exceeds_total":
            line = src.find_row(record, name, what)
            record.flag(
                code,
                line,
                fields=fields,
                at=at(line),
                scope=scope,
                name=name,
                value=what,
                yuan=amount,
                total=total_text,
            )
        else:
            line = src.find(record, name)
            record.flag(
                code,
                line,
                fields=fields,
                at=at(line),
                scope=scope,
                items=what,
                summed=amount,
                total=total_text,
            )


_PER_UNIT = re.compile(r"^/(?P<what>[^/]+?)(?:[/·.]?(?P<time>月|年))?$")


_GENERIC = re.compile(r"成本|标准|人数|数量|发放|补助|补贴|资金|经费|费用|对象|人员|每人|合计|总")


def _same_subject(cost: str, count: str) -> bool:
    """The rate and the count name the same thing ("优待金发放成本" and "优待金人数"):
    a rate for 100-year-olds times everyone over 80 is no contradiction."""
    a, b = _GENERIC.sub("|", cost), _GENERIC.sub("|", count)
    return any(len(w) >= 3 and w in b for w in a.split("|")) or any(
        len(w) >= 3 and w in a for w in b.split("|")
    )


_SHARE = re.compile(r"县级|中央|省级|市级|本级|配套")


def check_unit_costs(record: Record, src: Sources) -> None:
    """元/人/月 × 人数 × 12 (or 元/户 × 户数 …) far above the project's total. Not for a
    project that is one level's share ("（县级）"): the rate is paid from several."""
    if _SHARE.search(record.project_name):
        return
    for scope in ("period", "annual"):
        total = _scope_total(record, scope)
        if total is None:
            continue
        side = [i for i in record.indicators if i.scope == scope]
        for ind in side:
            unit = money_unit(ind.unit)
            if not is_cost(ind) or ind.number is None or unit is None or ind.op in ("≥", ">"):
                continue
            m = _PER_UNIT.match(unit[1])
            if not m or m.group("what") in _PER_TIME:
                continue
            what = m.group("what")
            counts = [
                q
                for q in side
                if q is not ind and q.number and q.unit == what and q.op not in ("≤", "<") and not is_cost(q)
            ]
            if not counts:
                continue
            counts = [q for q in counts if _same_subject(ind.name, q.name)]
            if not counts:
                continue
            qty = min(counts, key=lambda q: dec(q.number))
            months = _PER_TIME.get(m.group("time") or "", 1)
            product = dec(ind.number) * unit[0] * dec(qty.number) * months
            if product > total * (1 + UNIT_COST_MARGIN):
                line = src.find_row(record, ind.name, ind.value)
                times = f" × {months}个月" if months > 1 else ""
                record.flag(
                    "unit_cost_exceeds_total",
                    line,
                    fields=[*rows_of(record, ind), *rows_of(record, qty), f"funds.{scope}.total"],
                    at=at(line),
                    scope=SCOPE_NAMES[scope],
                    name=ind.name,
                    value=ind.value,
                    count_name=qty.name,
                    count=qty.value,
                    times=times,
                    product=yuan(product),
                    total=yuan(total),
                    margin=f"{UNIT_COST_MARGIN:.0%}",
                )
                return


def check_budget_table_cost(record: Record, src: Sources) -> None:
    """003: the cost of the whole project (its only cost indicator for the year) that
    the department's 项目支出预算表 contradicts: another amount, or a ceiling below it."""
    match = record.budget_match
    if match is None or not match.amount_yuan:
        return
    budget = dec(match.amount_yuan)
    for scope in ("annual", "period"):
        items = [
            (i, v)
            for i in record.indicators
            if i.scope == scope and is_cost(i)
            for v in [_whole_amount(i)]
            if v is not None
        ]
        if not items:
            continue
        if len(items) > 1:
            return
        ind, value = items[0]
        if abs(value - budget) <= 50 or record.notes_for("cost_exceeds_total"):
            return
        ceiling = ind.op in ("≤", "<")
        if (ceiling and value < budget) or (not ceiling and value != budget):
            line = src.find_row(record, ind.name, ind.value)
            record.flag(
                "cost_budget_mismatch",
                line,
                fields=rows_of(record, ind),
                at=at(line),
                name=ind.name,
                value=ind.value,
                yuan=yuan(value),
                budget=yuan(budget),
                budget_line=at(match.line),
            )
        return
