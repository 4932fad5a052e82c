"""What the texts say against the table: amounts stated in the overview, the goals,
the project name and the indicators; an earlier year's amount; the fill date."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from generator.model import Record
from generator.quality.common import (
    ALL_TEXT_FIELDS,
    MONEY_FACTOR,
    NUMBER,
    TEXT_FIELDS,
    Sources,
    amounts_in,
    at,
    close,
    number,
    totals,
    yuan,
)

# an amount the text states as a total. Budget words name this project's money;
# investment words may name a whole construction of which the table pays a part;
# the weak words ("共", "合计") may sum a part, or a multi-village allocation
_BUDGET_WORDS = "预算总金额|项目总资金|项目资金|资金总额|总金额|总预算"
_INVEST_WORDS = "总投入|总投资"
# what the text says is asked for this year: it should be the table's amount
_REQUEST_WORDS = "现需支付|现需申请|现申请拨付|现申请|本年项目申请|本年申请|申请资金"
_WEAK_WORDS = "共计|合计|共"
_STATED = re.compile(
    rf"(?P<word>{_REQUEST_WORDS}|{_BUDGET_WORDS}|{_INVEST_WORDS}|{_WEAK_WORDS})(?:资金|金额|投资|投入|费用|经费)?[为:：]?\s*"
    rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|元)(?![/／每])"
)
_FIELD_TITLES = {f: str(Record.model_fields[f].title) for f in (*ALL_TEXT_FIELDS, "project_name")}


def stated_amounts(record: Record) -> list[tuple[str, str, Decimal, str]]:
    """Amounts the overview and goals state as a total: (field, phrase, yuan, kind)."""
    out = []
    for field_name in TEXT_FIELDS:
        for m in _STATED.finditer(getattr(record, field_name)):
            value = number(m.group("num"))
            if value is None:
                continue
            word = m.group("word")
            kind = (
                "budget"
                if re.fullmatch(f"{_BUDGET_WORDS}|{_REQUEST_WORDS}", word)
                else "invest"
                if word in _INVEST_WORDS
                else "weak"
            )
            out.append((field_name, m.group(0), value * MONEY_FACTOR[m.group("unit")], kind))
    return out


def _text_amounts(record: Record) -> list[Decimal]:
    """Every amount the texts and the name state (an indicator's ≤91.5万元 does not
    explain away a text that calls 91万元 the total)."""
    out = [v for f in ALL_TEXT_FIELDS for _, v in amounts_in(getattr(record, f))]
    return out + [v for _, v in amounts_in(record.project_name, name=True)]


def _flag_text(
    record: Record, src: Sources, field_name: str, phrase: str, stated: Decimal, table: str
) -> None:
    needle = phrase if field_name != "project_name" else "项目名称"
    line = src.find(record, re.sub(r"\s", "", phrase), needle)
    record.flag(
        "text_amount_mismatch",
        line,
        fields=[field_name],
        at=at(line),
        field=_FIELD_TITLES[field_name],
        phrase=phrase,
        stated=yuan(stated),
        table=table,
    )


def check_text_amounts(record: Record, src: Sources) -> None:
    table_totals = totals(record)
    if not table_totals:
        return
    table = "、".join(dict.fromkeys(yuan(t) for t in table_totals))
    # the project name states its own amount: "高标准农田建设1162.5万"
    for m, value in amounts_in(record.project_name, name=True):
        if value > 0 and not any(close(value, t) for t in table_totals):
            _flag_text(record, src, "project_name", m.group(0), value, table)
            return
    all_zero = all(t == 0 for t in table_totals)
    if not all_zero and any(close(v, t) for v in _text_amounts(record) for t in table_totals):
        return  # the text states the table's amount too ("现申请…", "其中…"): the rest are wholes or parts
    top = max(table_totals)
    for field_name, phrase, value, kind in stated_amounts(record):
        if value <= 0:
            continue
        if all_zero or kind == "budget" or (kind == "invest" and value < top and not close(value, top)):
            _flag_text(record, src, field_name, phrase, value, table)
            return


# "2022年……资金321.2万元" in a 2024 table: the amount of an earlier year's table
_EARLIER = re.compile(
    rf"(?P<year>20\d\d)年(?P<between>[^。；;，,]{{0,40}}?)(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|元)(?![/／每])"
)


_FUNDING = re.compile(r"资金|预算|经费|拨款|指标")
_PAST = re.compile(r"支付|拨付|欠|补偿|已|尾|还|结算|发放")


def check_earlier_year_amount(record: Record, src: Sources) -> None:
    """A text gives the table's own amount as an earlier year's budget or funds: copied
    from that year's table. Not for a project about that year ("2022年…补偿款")."""
    if record.year is None or re.search(r"20\d\d", record.project_name):
        return
    table_totals = [t for t in totals(record) if t > 0]
    for field_name in (*TEXT_FIELDS, "project_name"):
        text = getattr(record, field_name)
        for m in _EARLIER.finditer(text):
            year = int(m.group("year"))
            value = number(m.group("num"))
            between = m.group("between")
            # the year's money, not a payment, a debt or a compensation due that year
            if year >= record.year or value is None or not _FUNDING.search(between) or _PAST.search(between):
                continue
            value *= MONEY_FACTOR[m.group("unit")]
            if any(close(value, t) for t in table_totals) and str(record.year) not in text:
                line = src.find(record, m.group(0), "项目名称" if field_name == "project_name" else "")
                record.flag(
                    "earlier_year_amount",
                    line,
                    fields=[field_name],
                    at=at(line),
                    field=_FIELD_TITLES[field_name],
                    phrase=m.group(0),
                    year=year,
                    budget_year=record.year,
                    stated=yuan(value),
                )
                return


def check_fill_date(record: Record, src: Sources) -> None:
    """Budgets for a year are prepared in the second half of the year before and
    published in its first months: a fill date before that is another year's table. A
    fill date after the document's publication date (sources.yaml `published`) cannot be;
    without that date, one after the budget year's first half is implausible."""
    if not record.fill_date or record.year is None:
        return
    filled = date.fromisoformat(record.fill_date)
    published = src.published.get(record.source.file, "")
    earliest = date(record.year - 1, 7, 1)
    latest = date.fromisoformat(published) if published else date(record.year, 6, 30)
    if earliest <= filled <= latest:
        return
    line = src.find(record, "填报日期")
    if filled < earliest:
        when = "早于本年度预算的编制"
    elif published:
        when = f"晚于这份文件的公开日期{published}"
    else:
        when = "晚于本年度预算的公开"
    record.flag(
        "fill_date_implausible",
        line,
        fields=["fill_date"],
        at=at(line),
        date=record.fill_date,
        year=record.year,
        when=when,
        earliest=earliest.isoformat(),
        latest=latest.isoformat(),
    )
