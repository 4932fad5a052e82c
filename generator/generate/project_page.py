"""What a project page shows, prepared for templates/project.md.j2 (whose body is HTML): the key figures first
(annual amount, sources of money with their shares, department, region, year, the most
severe quality flag), then funds in one unit, indicators in the form's order, texts,
flags, similar projects and the source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any

from markupsafe import Markup

from generator.corpus import Corpus, annual_total
from generator.generate.fmt import plain_text, wan, yuan
from generator.generate.similar import SimilarLink
from generator.generate.urls import href
from generator.model import FUND_SOURCES, Flag, Indicator, Record
from generator.quality import QUALITY_FLAGS
from generator.quality_codes import DOCUMENT_FLAGS, SEVERITY

SEVERITY_ORDER = ("严重", "注意", "提示")
SECTIONS = tuple(
    (key, str(Record.model_fields[key].title))
    for key in ("overview", "basis", "necessity", "measures", "plan")
)
# the short labels of the one-line sources of money
SHORT_SOURCE = {
    "central": "中央",
    "provincial": "省级",
    "local": "市县",
    "self_raised": "自筹",
    "other": "其他",
    "fiscal": "财政",
    "general_budget": "一般公共预算",
    "fund_budget": "政府性基金",
    "transfer": "上级转移支付",
    "current_year": "当年财政拨款",
    "carried_over": "上年结转",
    "upper_level": "上级资金",
}


@dataclass(frozen=True)
class Share:
    label: str
    amount: float
    percent: int


@dataclass(frozen=True)
class FlagView:
    code: str
    title: str
    severity: str
    notes: list[Flag]


def severity(code: str) -> str:
    """严重 / 注意 / 提示 of a flag (注意 where the catalogue does not say)."""
    return SEVERITY.get(code, "注意")


def shares(p: Record) -> list[Share]:
    """The annual money by source, largest first, with its share of the annual total."""
    annual = p.funds.annual
    total = annual_total(p)
    parts = [
        (SHORT_SOURCE.get(key, label), float(getattr(annual, key)))
        for key, label in FUND_SOURCES
        if getattr(annual, key, None)
    ]
    if not total or not parts:
        return []
    parts.sort(key=lambda x: -x[1])
    return [Share(label, amount, round(100 * amount / total)) for label, amount in parts]


@dataclass(frozen=True)
class FundRow:
    label: str
    annual: float | int | None
    period: float | int | None
    annual_mark: str = ""
    period_mark: str = ""


def fund_rows(p: Record, marked: Mapping[str, str] | None = None) -> list[FundRow]:
    """The funds table, annual first, as a reader compares this year's money; a flagged
    amount carries its mark (`marks`). A flag on a column's rows as a whole
    ("funds.annual") marks that column's total."""
    m = marked or {}
    period, annual = p.funds.period, p.funds.annual

    def mark(scope: str, key: str) -> str:
        whole = m.get(f"funds.{scope}", "") if key == "total" else ""
        return m.get(f"funds.{scope}.{key}", "") or whole

    rows = [FundRow("资金总额", annual.total, period.total, mark("annual", "total"), mark("period", "total"))]
    for key, label in FUND_SOURCES:
        if getattr(period, key) is not None or getattr(annual, key) is not None:
            row = FundRow(
                label, getattr(annual, key), getattr(period, key), mark("annual", key), mark("period", key)
            )
            rows.append(row)
    return rows


_MARK_CLASS = {"严重": "bs-mark-high", "注意": "bs-mark-mid", "提示": "bs-mark-low"}


def marks(p: Record) -> dict[str, Markup]:
    """Each flagged part of the record, by its path ("funds.annual.total", "indicators.3",
    "overview") -> the HTML of its mark: the most severe flag's severity, linked to
    that flag's note below, titled with its explanation. The mark is our own text."""
    codes: dict[str, list[str]] = {}
    for f in flags(p):  # most severe first
        for note in f.notes:
            for path in note.fields:
                parts = path.split(".")
                key = ".".join(parts[:2]) if parts[0] == "indicators" else path
                if f.code not in codes.setdefault(key, []):
                    codes[key].append(f.code)
    out = {}
    for key, found in codes.items():
        first, level = found[0], severity(found[0])
        title = QUALITY_FLAGS.get(first, first).replace('"', "”").rstrip("。")
        more = f"，另有 {len(found) - 1} 类" if len(found) > 1 else ""
        out[key] = Markup(
            f'<a class="bs-mark {_MARK_CLASS[level]}" href="#flag-{escape(first)}" '
            f'title="{escape(title + more)}">⚠ {level}</a>'
        )
    return out


def wan_cell(amount: float | int | None) -> Markup:
    """An amount in 万元 with two decimals, the yuan on hover; "—" when not printed.
    Numbers only: nothing from a document reaches this HTML."""
    if amount is None:
        return Markup("—")
    return Markup(f'<span title="{yuan(amount)}">{amount / 1e4:,.2f}</span>')


def _grouped(
    indicators: list[tuple[Indicator, list[int]]], marked: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Show level 1 and level 2 only on the first row of their group; a row carries the
    mark of any record row it stands for (both sides' when one table shows both)."""
    out, last1, last2 = [], None, None
    for ind, shown in indicators:
        row = ind.model_dump()
        row["mark"] = next((marked[k] for n in shown if (k := f"indicators.{n}") in marked), "")
        if ind.level1 == last1:
            row["level1"] = ""
            if ind.level2 == last2:
                row["level2"] = ""
        last1, last2 = ind.level1, ind.level2
        out.append(row)
    return out


def indicator_tables(
    p: Record, marked: Mapping[str, str] | None = None
) -> list[tuple[str, list[dict[str, Any]], bool]]:
    m = marked or {}
    keys = ("level1", "level2", "name", "value", "description", "basis")
    period = [(i, n) for n, i in enumerate(p.indicators) if i.scope == "period"]
    annual = [(i, n) for n, i in enumerate(p.indicators) if i.scope == "annual"]
    extra = any(i.description or i.basis for i in p.indicators)

    def row(i: Indicator) -> list[object]:
        return [getattr(i, k) for k in keys]

    same = [row(i) for i, _ in period] == [row(i) for i, _ in annual]
    if period and same:
        both = [(i, [n, a]) for (i, n), (_, a) in zip(period, annual, strict=True)]
        return [("实施期与年度指标（两栏相同）", _grouped(both, m), extra)]
    tables = []
    if annual:
        tables.append(("年度指标", _grouped([(i, [n]) for i, n in annual], m), extra))
    if period:
        tables.append(("实施期指标", _grouped([(i, [n]) for i, n in period], m), extra))
    return tables


def flags(p: Record) -> list[FlagView]:
    """The record's flags, most severe first; a document's flags are on its region's page."""
    codes = sorted(set(p.quality_flags) - DOCUMENT_FLAGS)
    views = [FlagView(c, QUALITY_FLAGS.get(c, c), severity(c), p.notes_for(c)) for c in codes]
    return sorted(views, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.code))


def _related(f: FlagView, corpus: Corpus) -> list[tuple[str, str]]:
    """The projects a flag's notes name (a duplicate's twin, the project copied): (title, id).
    A shard's corpus holds the titles of the projects its records name in other shards."""
    ids = dict.fromkeys(i for n in f.notes for i in n.related if i in corpus.titles)
    return [(corpus.titles[i], i) for i in ids]


INDICATOR_HEAD = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("value", "指标值"))


def _glossary(link: Callable[[str], str], anchor: str, label: str) -> Markup:
    """A label that the glossary explains, linked to its entry."""
    return Markup(f'<a href="{escape(link(f"glossary.md#{anchor}"))}">{label}</a>')


def indicator_head(link: Callable[[str], str]) -> Markup:
    """The indicator tables' first four header cells, each linked to the glossary."""
    return Markup("\n").join(Markup(f"<th>{_glossary(link, a, label)}</th>") for a, label in INDICATOR_HEAD)


def info_rows(
    p: Record, region_name: str, marked: Mapping[str, Markup], link: Callable[[str], str]
) -> list[tuple[str | Markup, str, Markup]]:
    """The 项目信息 table: (label, text, mark) for each row the record fills; a label that
    the glossary explains links to it. The texts are plain (the template escapes them)."""

    none = Markup()
    rows: list[tuple[str | Markup, str, Markup]] = [
        (
            "主管部门",
            f"{plain_text(p.department_code)} {plain_text(p.department_name)}",
            marked.get("department_name", none),
        ),
        ("实施单位", plain_text(p.unit_name or "（原表未填写）"), none),
        ("地区", f"{plain_text(p.province)} {plain_text(region_name)}", none),
    ]
    if p.project_code:
        rows.append(("项目编码", plain_text(p.project_code), none))
    if p.attribute:
        rows.append(
            (_glossary(link, "attribute", "项目属性"), plain_text(p.attribute), marked.get("attribute", none))
        )
    if p.period_years:
        rows.append(
            (_glossary(link, "period", "项目期"), f"{p.period_years}年", marked.get("period_years", none))
        )
    if p.category or "category" in marked:
        rows.append(("项目分类", plain_text(p.category or "（未勾选）"), marked.get("category", none)))
    if p.fill_date:
        rows.append(("填报日期", str(p.fill_date), marked.get("fill_date", none)))
    rows.append(("预算年度", str(p.year), none))
    return rows


def note_html(note: Flag, served: str, link: Callable[[str], str]) -> Markup:
    """A flag's note as HTML: its text escaped, and the source line it cites linked to
    our copy of the document opened at that line (the note's leading "第 N 行", else a
    trailing one)."""
    text = escape(plain_text(note.message))
    if not note.line:
        return Markup(text)
    where = f"第 {note.line:,} 行"
    target = link(f"source.md?doc={served}&lines={note.line}-{note.line}")
    linked = f'<a href="{escape(target)}">{where}</a>' if served else where
    if text.startswith(where):
        return Markup(linked + text[len(where) :])
    return Markup(f"{text}（原文{linked}）")


def description(p: Record, title: str, where: str) -> str:
    """The page's one-sentence summary for search engines and link previews: what, where,
    how much, and the start of its goal. Plain text; the template quotes and escapes it."""
    amount = wan(p.funds.annual.total) if p.funds.annual.total is not None else "未列出"
    year = f"{p.year}年度" if p.year else "年度"
    goal = " ".join((p.goal_annual or p.goal_period or p.overview).split())
    goal = goal if len(goal) <= 80 else goal[:79] + "…"
    return f"{title}（{where}）：{year}资金{amount}。{goal}".strip()


def context(p: Record, corpus: Corpus, similar: list[SimilarLink]) -> dict[str, Any]:
    """Everything templates/project.md.j2 is given for one project. `link(target)` makes
    a link to a file of content/ ("regions/x.md", "glossary.md#level1") relative to the
    page's file, as a Markdown link is written (urls.href)."""
    dept = corpus.department_of[p.project_id]
    document = corpus.document_of[p.source.file]
    marked = marks(p)
    link = partial(href, f"projects/{p.project_id}.md")
    return {
        "link": link,
        "p": p,
        "title": corpus.title(p),
        "description": description(p, corpus.title(p), f"{dept.region.name} {dept.name}"),
        "printed_name": p.project_name if corpus.title(p).split(" · ")[0] != p.project_name else "",
        "dept": dept,
        "region": dept.region,
        "document": document,
        "shares": shares(p),
        "fund_rows": fund_rows(p, marked),
        "info_rows": info_rows(p, dept.region.name, marked, link),
        "indicator_head": indicator_head(link),
        "sections": [(key, title, getattr(p, key), marked.get(key, "")) for key, title in SECTIONS],
        "indicator_tables": indicator_tables(p, marked),
        "marks": defaultdict(Markup, marked),  # a part without a flag: no mark
        "marked_any": bool(marked),
        "flags": [
            (f, [note_html(n, document.served, link) for n in f.notes if n.message], _related(f, corpus))
            for f in flags(p)
        ],
        "repeat": p.project_id in dept.repeats,
        "similar": similar,
    }
