"""The published tables, column by column, derived from the record model.

Each column takes its type, Chinese title, description and unit from the model field
it publishes (generator.model), and carries the getter that fills it, so the CSV,
XLSX and JSON headers, the rows, datapackage.json and the data dictionary on the
downloads page are all made from one definition and cannot drift apart.

Column names are the contract with the people who download our data
(docs/DATA_MODEL.md): add columns, never rename or drop one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from generator.model import FUND_SOURCES, BudgetMatch, FundColumn, Funds, Indicator, Record, SourceRef
from generator.quality import QUALITY_FLAGS
from generator.quality_codes import SEVERITY


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # frictionless type: string, integer, number, date
    title: str  # Chinese title
    description: str
    unit: str = ""
    get: Callable[[Any], Any] = field(default=lambda row: None, compare=False, repr=False)
    path: str = ""  # the record field it publishes (dotted), for re-import; "" when computed


def _flat(annotation: Any) -> set[Any]:
    """The plain types a (possibly Annotated, possibly union) annotation allows."""
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return _flat(args[0])
    if args and get_origin(annotation) in (Union, UnionType):
        return set().union(*(_flat(a) for a in args))
    return {annotation}


def _type(model: type[BaseModel], name: str) -> str:
    flat = _flat(model.model_fields[name].annotation)
    if float in flat:
        return "number"
    if int in flat:
        return "integer"
    return "string"


def col(
    model: type[BaseModel],
    name: str,
    get: Callable[[Any], Any],
    column: str = "",
    path: str = "",
    **override: str,
) -> Column:
    """A column publishing `model.name`: type, title, description and unit from the model."""
    info = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return Column(
        column or name,
        override.get("type", _type(model, name)),
        override.get("title", str(info.title or name)),
        override.get("description", str(info.description or "")),
        override.get("unit", str(extra.get("unit") or "")),
        get,
        path,
    )


def _record(name: str, **override: str) -> Column:
    def get(p: Record) -> Any:
        value = getattr(p, name)
        return value if value != "" or override.get("type") != "date" else None

    return col(Record, name, get, path=name, **override)


def _fund(key: str, scope: str, column: str, title: str, description: str) -> Column:
    def get(p: Record) -> Any:
        return getattr(getattr(p.funds, scope), key)

    return col(
        FundColumn,
        key,
        get,
        column,
        f"funds.{scope}.{key}",
        title=title,
        description=description,
        unit="元",
        type="number",
    )


def _funds() -> tuple[Column, ...]:
    total = FundColumn.model_fields["total"].title
    out = [
        _fund(
            "total",
            "period",
            "funds_total_period_yuan",
            f"实施期{total}",
            "实施期（中期）资金总额；原表未列为空。",
        ),
        _fund("total", "annual", "funds_total_annual_yuan", f"年度{total}", "本年度资金总额；原表未列为空。"),
    ]
    out += [
        _fund(
            k,
            "annual",
            f"funds_{k}_yuan",
            f"年度{label}",
            f"年度资金中的{label}；原表未列为空，列出 0 即为 0。",
        )
        for k, label in RELEASED_SOURCES
    ]
    out += [
        _fund(k, "period", f"funds_{k}_period_yuan", f"实施期{label}", f"实施期资金中的{label}。")
        for k, label in RELEASED_SOURCES
    ]
    return tuple(out)


# the fund rows published since the first release keep their columns in place; rows added
# later get theirs at the end of the table (column order is part of the contract)
RELEASED_SOURCES = FUND_SOURCES[:9]
NEW_SOURCES = FUND_SOURCES[9:]


def _new_funds() -> tuple[Column, ...]:
    return tuple(
        _fund(k, scope, f"funds_{k}{suffix}_yuan", f"{side}{label}", f"{side}资金中的{label}（{note}）。")
        for k, label in NEW_SOURCES
        for scope, suffix, side in (("annual", "", "年度"), ("period", "_period", "实施期"))
        for note in (str(FundColumn.model_fields[k].description or "").rstrip("。"),)
    )


def _extra_text(extra: dict[str, str]) -> str:
    return ";".join(f"{k}:{v}" for k, v in extra.items())


def _whole(amount: float) -> int | float:
    return int(amount) if float(amount).is_integer() else round(amount, 2)


def _spending_plan(p: Record) -> str:
    return ";".join(f"{k}:{v:g}%" for k, v in p.spending_plan.items())


_HEAD = ("project_id", "year", "province", "region", "department_code", "department_name", "unit_name")
_HEAD2 = ("project_name", "project_code", "attribute", "period_years", "category")
_TEXTS = ("fund_use", "overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual")

PROJECTS: tuple[Column, ...] = (
    *(_record(k) for k in _HEAD + _HEAD2),
    *_funds(),
    col(
        Funds,
        "unit_in_source",
        lambda p: p.funds.unit_in_source,
        "funds_unit_in_source",
        "funds.unit_in_source",
    ),
    col(Record, "spending_plan", _spending_plan, path="spending_plan", type="string"),
    *(_record(k) for k in _TEXTS),
    _record("fill_date", type="date"),
    col(BudgetMatch, "name", lambda p: p.budget_match.name if p.budget_match else "", "budget_table_name"),
    col(
        BudgetMatch,
        "amount_yuan",
        lambda p: p.budget_match and p.budget_match.amount_yuan,
        "budget_table_amount_yuan",
    ),
    col(SourceRef, "file", lambda p: p.source.file, "source_file"),
    col(SourceRef, "line_start", lambda p: p.source.line_start, "source_line_start"),
    col(SourceRef, "line_end", lambda p: p.source.line_end, "source_line_end"),
    Column(
        "page_url", "string", "项目页", "本站项目页的相对网址。", "", lambda p: f"projects/{p.project_id}/"
    ),
    col(Record, "quality_flags", lambda p: ";".join(sorted(p.quality_flags)), type="string"),
    Column(
        "indicator_count",
        "integer",
        "指标数",
        "实施期和年度绩效指标的条数之和。",
        "",
        lambda p: len(p.indicators),
    ),
    *_new_funds(),
    col(Record, "extra", lambda p: _extra_text(p.extra), "extra_fields", "extra", type="string"),
)


# indicator rows are (project, seq, indicator)
def _indicator_field(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row[2], name)


_IND = ("scope", "level1", "level2", "name", "description", "value", "op", "number", "unit", "basis")
INDICATORS: tuple[Column, ...] = (
    col(Record, "project_id", lambda r: r[0].project_id, description="所属项目，对应 projects.project_id。"),
    col(Indicator, "scope", lambda r: r[2].scope, path="scope"),
    Column("seq", "integer", "序号", "该项目该栏目中的顺序，从 1 开始。", "", lambda r: r[1]),
    *(col(Indicator, k, _indicator_field(k), path=k) for k in _IND[1:]),
    col(Indicator, "extra", lambda r: _extra_text(r[2].extra), "extra_fields", "extra", type="string"),
)

DEPARTMENTS: tuple[Column, ...] = (
    col(Record, "region", lambda d: d.region.name),
    Column("code", "string", "部门代码", "主管部门代码。", "", lambda d: d.code),
    Column("name", "string", "部门名称", "主管部门名称（各表中最常见的写法）。", "", lambda d: d.name),
    Column("project_count", "integer", "项目数", "该部门公开的项目数。", "", lambda d: len(d.projects)),
    Column(
        "annual_total_yuan",
        "number",
        "年度资金合计",
        "各项目年度资金总额之和。",
        "元",
        lambda d: _whole(d.annual_total),
    ),
    col(Record, "province", lambda d: d.region.province),
    Column("department_key", "string", "部门编号", "本站部门页网址中的编号。", "", lambda d: d.key),
    Column("page_url", "string", "部门页", "本站部门页的相对网址。", "", lambda d: f"departments/{d.key}/"),
)


def field_path(p: Record, path: str) -> str:
    """A flag's field as the downloads name it: a record path, except that an indicator
    is named by its scope and seq in indicators.csv ("indicators.3" -> "indicators.annual.1")."""
    parts = path.split(".")
    if (
        parts[0] != "indicators"
        or len(parts) < 2
        or not parts[1].isdigit()
        or int(parts[1]) >= len(p.indicators)
    ):
        return path
    n = int(parts[1])
    scope = p.indicators[n].scope
    seq = sum(1 for i in p.indicators[: n + 1] if i.scope == scope)
    return ".".join(["indicators", scope, str(seq), *parts[2:]])


# quality rows are (project, seq, flag)
QUALITY: tuple[Column, ...] = (
    col(
        Record,
        "project_id",
        lambda r: r[0].project_id,
        description="有质量提示的项目，对应 projects.project_id。",
    ),
    Column("seq", "integer", "序号", "该项目的第几条提示，从 1 开始。", "", lambda r: r[1]),
    Column(
        "code", "string", "提示代码", "质量提示代码，含义见 title 列和数据质量页。", "", lambda r: r[2].code
    ),
    Column("title", "string", "提示含义", "这一类提示的含义。", "", lambda r: QUALITY_FLAGS[r[2].code]),
    Column("message", "string", "具体说明", "这个项目的具体情况。", "", lambda r: r[2].message),
    col(SourceRef, "file", lambda r: r[0].source.file, "source_file"),
    Column(
        "source_line",
        "integer",
        "来源行",
        "提示所指的来源文件行；为空表示整张表。",
        "",
        lambda r: r[2].line or None,
    ),
    Column(
        "related_project_ids",
        "string",
        "相关项目",
        "相关项目的编号，用分号分隔。",
        "",
        lambda r: ";".join(r[2].related),
    ),
    Column(
        "page_url", "string", "项目页", "本站项目页的相对网址。", "", lambda r: f"projects/{r[0].project_id}/"
    ),
    # appended after the first release: new columns come last
    Column(
        "severity",
        "string",
        "严重程度",
        "严重（金额或数量错了、互相矛盾）、注意（不一致或不合常理）、提示（表没有按要求填写）。",
        "",
        lambda r: SEVERITY.get(r[2].code, "注意"),
    ),
    Column(
        "field",
        "string",
        "所指字段",
        "提示所指的字段，用分号分隔：funds.annual.total（年度资金总额）、funds.period（实施期的各行）、"
        "overview（项目概况）等；indicators.annual.2 指 indicators.csv 中该项目 scope 为 annual、"
        "seq 为 2 的指标；为空表示整张表。",
        "",
        lambda r: ";".join(field_path(r[0], f) for f in r[2].fields),
    ),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "departments": DEPARTMENTS,
    "quality": QUALITY,
}
TABLE_TITLES = {"projects": "项目", "indicators": "绩效指标", "departments": "部门", "quality": "质量提示"}
TABLE_DESCRIPTIONS = {
    "projects": "每个项目一行：基本信息、资金（元）、文字说明、目标、来源和质量提示。",
    "indicators": "每条绩效指标一行，project_id 对应 projects。",
    "departments": "每个主管部门一行：项目数和年度资金合计。",
    "quality": "每条质量提示一行：哪个项目、哪一类问题、具体情况和来源位置，project_id 对应 projects。",
}
PRIMARY_KEYS = {
    "projects": ["project_id"],
    "indicators": ["project_id", "scope", "seq"],
    "departments": ["department_key"],
    "quality": ["project_id", "seq"],
}
