"""Within one table: the 实施期 and 年度 sides of a Shanxi table against each other,
rows repeated, cell text doubled ("有效保障有效保障"), names cut short."""

from __future__ import annotations

import re

from generator.model import Indicator, Record
from generator.quality.common import SCOPE_NAMES, TEXT_FIELDS, Sources, at, rows_of

_DOUBLED = re.compile(r"^(?P<x>.{2,}?)(?P=x)$", re.S)


def _key(text: str) -> str:
    return re.sub(r"[\s\u3000。，,.、:：;；（）()]", "", text)


def _side(record: Record, scope: str) -> list[Indicator]:
    return [i for i in record.indicators if i.scope == scope and i.name.strip() and i.value.strip()]


def _prefix(a: str, b: str) -> bool:
    """a is b cut short (at least four characters kept)."""
    return len(a) >= 4 and len(b) > len(a) and b.startswith(a)


def check_sides(record: Record, src: Sources) -> None:
    """Both sides printed, a one-year or recurring project: the same indicators with the
    same targets are expected (a multi-year project's period targets may differ)."""
    years = record.period_years
    if years is not None and 1 < years < 90:
        return
    period, annual = _side(record, "period"), _side(record, "annual")
    if not period or not annual:
        return
    p = {_key(i.name): i for i in period}
    a = {_key(i.name): i for i in annual}

    def matched(name: str, other: dict[str, Indicator]) -> bool:
        return name in other or any(_prefix(name, o) or _prefix(o, name) for o in other)

    only_p = [i for k, i in p.items() if not matched(k, a)]
    only_a = [i for k, i in a.items() if not matched(k, p)]
    # a row the document prints side by side (one line holds both), not one our reading
    # of a wrapped PDF cell split or joined
    rows = [
        (i, a[k])
        for k, i in p.items()
        if k in a and _key(i.value) != _key(a[k].value) and src.same_line(record, i.name, i.value, a[k].value)
    ]
    if rows:
        line = src.find_row(record, rows[0][0].name, rows[0][0].value)
        text = "；".join(f"“{x.name}”实施期{x.value}、年度{y.value}" for x, y in rows)
        fields = [f for x, y in rows for f in (*rows_of(record, x), *rows_of(record, y))]
        record.flag("side_values_differ", line, fields=list(dict.fromkeys(fields)), at=at(line), rows=text)
    pairs = [
        (x, y)
        for x, y in zip(only_p, only_a, strict=False)
        if _key(x.name)[:6] != _key(y.name)[:6] and src.same_line(record, x.name, y.name)
    ]
    if pairs:
        line = src.find(record, pairs[0][0].name)
        record.flag(
            "side_indicators_differ",
            line,
            fields=[f for x, y in pairs for f in (*rows_of(record, x), *rows_of(record, y))],
            at=at(line),
            period="、".join(f"“{x.name}”" for x, _ in pairs),
            annual="、".join(f"“{y.name}”" for _, y in pairs),
        )


def check_repeats(record: Record, src: Sources) -> None:
    """The same row (name and value) twice on one side of the table."""
    for scope in ("period", "annual"):
        seen: set[tuple[str, str]] = set()
        first: dict[tuple[str, str], Indicator] = {}
        for ind in _side(record, scope):
            key = (_key(ind.name), _key(ind.value))
            # printed more often than the rows we read: not a wrapped cell read twice
            printed = src.count(record, ind.name)
            read = sum(_key(i.name) == key[0] for i in record.indicators)
            two_sided = bool(_side(record, "period")) and bool(_side(record, "annual"))
            if key in seen and (printed is None or printed >= max(read, 3 if two_sided else 2)):
                line = src.find_row(record, ind.name, ind.value)
                paths = [
                    f"indicators.{i}" for i, x in enumerate(record.indicators) if x is ind or x is first[key]
                ]
                record.flag(
                    "indicator_repeated",
                    line,
                    fields=paths,
                    at=at(line),
                    scope=SCOPE_NAMES[scope],
                    name=ind.name,
                    value=ind.value,
                )
                break
            seen.add(key)
            first.setdefault(key, ind)


def check_doubled_text(record: Record, src: Sources) -> None:
    """A cell whose text is the same words twice: "有效保障有效保障"."""
    cells: list[tuple[str, str, str]] = [("项目名称", record.project_name, "project_name")]
    cells += [(str(Record.model_fields[f].title), getattr(record, f), f) for f in TEXT_FIELDS]
    for n, ind in enumerate(record.indicators):
        path = f"indicators.{n}"
        cells += [(f"指标“{ind.name}”的指标值", ind.value, path), ("三级指标", ind.name, path)]
    done: set[str] = set()
    for where, text, path in cells:
        t = _key(text)
        m = _DOUBLED.match(t)
        if not m or t in done or re.fullmatch(r"[\d.%]+", t) or len(set(m.group("x"))) < 2:
            continue
        if not src.in_one_cell(record, text):
            continue  # the two sides' cells side by side, joined by our reading of the PDF
        done.add(t)
        line = src.find(record, text)
        record.flag("text_doubled", line, fields=[path], at=at(line), where=where, text=text)


def check_truncated_names(record: Record, src: Sources) -> None:
    """A 三级指标 that is the start of its own description, or of the name the other side
    prints in the same row with the same value."""
    done: set[str] = set()
    for ind in record.indicators:
        name = _key(ind.name)
        full = ""
        # a name as long as the form's cell (004 cuts at 15 characters) that its own
        # description goes on from; a short name ("村民幸福感") is a heading, not cut
        if ind.description and len(name) >= 10 and _prefix(name, _key(ind.description)):
            full = ind.description
        else:
            other = "annual" if ind.scope == "period" else "period"
            for o in _side(record, other):
                if (
                    _key(o.value) == _key(ind.value)
                    and _prefix(name, _key(o.name))
                    and src.same_line(record, _key(o.name), name)
                    and src.in_one_cell(record, o.name)
                ):
                    full = o.name
                    break
        if full and name not in done:
            done.add(name)
            line = src.find_row(record, ind.name, ind.value)
            fields = [f"indicators.{i}" for i, x in enumerate(record.indicators) if _key(x.name) == name]
            record.flag(
                "indicator_name_truncated", line, fields=fields, at=at(line), name=ind.name, full=full
            )
