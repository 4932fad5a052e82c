"""The one typed model of a project record (pydantic), and the pieces a layout fills in.

Everything about a record is derived from here: validation at every boundary
(extract, corrections, validate, generate), the YAML key order of data/records/
(field order), the published columns, datapackage.json and the data dictionary
(generator.publish.schema reads the field titles, descriptions and units), and the
Chinese labels on the pages. Models are strict (a string is never an amount) and
closed (an unknown key is an error). Layouts build records by assignment, which is
not validated; the pipeline validates each record once it is complete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from generator.problems import CATALOGUE, FLAG, problem

MAX_YUAN = 10**12  # 1 万亿元: above any county project; larger is a misread
NAME_MAX = 200  # characters of a name (project, department, unit)
TEXT_MAX = 20_000  # characters of one text field

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PROJECT_ID = r"^\d{4}(?:-[a-z0-9]+)+$"  # year-slug-department-hash[-n]: a safe file and URL name

Yuan = Annotated[float | int, Field(ge=0, le=MAX_YUAN, allow_inf_nan=False)]
Amount = Yuan | None  # yuan; float only when the source has fen
# no control characters but tab and newline: they break spreadsheets (XLSX cannot hold
# them), CSV readers and terminals, and no printed form carries them
_PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Name = Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=_PRINTABLE)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX, pattern=_PRINTABLE)]
Line = Annotated[int, Field(ge=1)]

SCOPES: tuple[str, ...] = ("period", "annual")
OPS: tuple[str, ...] = ("", "≥", "≤", "=", ">", "<")


def one_of(*options: str) -> AfterValidator:
    """A string that must be one of `options` (layouts build these from parsed text)."""

    def check(value: str) -> str:
        if value not in options:
            raise ValueError(f"应为 {'、'.join(repr(o) for o in options)} 之一")
        return value

    return AfterValidator(check)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False)

    # keys written only when they hold something (a record file may leave them out): see
    # _omit_empty_optional at the end of this module
    OPTIONAL: ClassVar[frozenset[str]] = frozenset()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _title(default: Any, title: str, description: str = "", unit: str = "") -> Any:
    return Field(default, title=title, description=description, json_schema_extra={"unit": unit})


def _factory(factory: Any, title: str, description: str = "") -> Any:
    return Field(default_factory=factory, title=title, description=description)


class FundColumn(Model):
    """One column of the funds block (实施期/中期 or 年度), amounts in yuan.

    The first six are the national form's rows; the rest appear only in some
    layouts and are written only when present. Titles are the row labels."""

    total: Amount = Field(None, title="资金总额")
    central: Amount = Field(None, title="中央财政资金")
    provincial: Amount = Field(None, title="省级财政资金")
    local: Amount = Field(None, title="市县（区）财政资金")
    self_raised: Amount = Field(None, title="单位自筹")
    other: Amount = Field(None, title="其他资金")
    fiscal: Amount = Field(None, title="财政资金（原表未分级）", description="怀来县：原表只写“财政资金”。")
    general_budget: Amount = Field(None, title="一般公共预算资金", description="中阳县申报表。")
    government_fund: Amount = Field(None, title="政府性基金", description="中阳县申报表。")
    transfer: Amount = Field(None, title="上级转移支付资金", description="中阳县申报表。")
    current_year: Amount = Field(
        None, title="当年财政拨款", description="上海申报表：年度资金中本年的财政拨款。"
    )
    carried_over: Amount = Field(
        None, title="上年结转资金", description="上海申报表：年度资金中上年结转的部分。"
    )
    upper_level: Amount = Field(
        None, title="上级资金", description="湖南：该项目支出上级资金，印在年度本级预算金额旁，不计入其中。"
    )

    def is_empty(self) -> bool:
        return all(getattr(self, k) is None for k in FundColumn.model_fields)


FUND_ROWS: tuple[str, ...] = ("total", "central", "provincial", "local", "self_raised", "other")
EXTRA_FUND_ROWS: tuple[str, ...] = tuple(k for k in FundColumn.model_fields if k not in FUND_ROWS)
FundColumn.OPTIONAL = frozenset(EXTRA_FUND_ROWS)  # the national form's rows are always written
# every source row of money, with its label: the pages, charts and columns all use these
FUND_SOURCES: tuple[tuple[str, str], ...] = tuple(
    (k, str(f.title)) for k, f in FundColumn.model_fields.items() if k != "total"
)


class Funds(Model):
    unit_in_source: Annotated[str, one_of("元", "万元")] = _title(
        "元", "原表金额单位", "元 或 万元；本表金额一律为元（万元 × 10000）。"
    )
    period: FundColumn = Field(default_factory=FundColumn, title="实施期资金")
    annual: FundColumn = Field(default_factory=FundColumn, title="年度资金")


class Indicator(Model):
    scope: Annotated[str, one_of("period", "annual")] = _title(
        ..., "栏目", "period = 实施期指标，annual = 年度指标。"
    )
    level1: Name = _title(..., "一级指标", "产出指标、效益指标、满意度指标或成本指标。")
    level2: Name = _title(..., "二级指标", "数量指标、质量指标、时效指标、成本指标、经济效益指标等。")
    name: Text = _title(..., "三级指标", "具体指标名称。")
    description: Text = Field("", title="指标描述", description="原表“绩效指标描述”（怀来县）。")
    value: Text = _title(..., "指标值", "原表印出的指标值。")
    op: Annotated[str, one_of("", "≥", "≤", "=", ">", "<")] = Field(
        "", title="比较符", description="从指标值解析：≥ ≤ = > < 或空。"
    )
    number: float | int | None = Field(
        None, title="数值", description="从指标值解析出的数字；定性指标为空。", allow_inf_nan=False
    )
    unit: Name = Field("", title="单位", description="从指标值解析出的单位，如 人、%、万元。")
    basis: Text = Field("", title="指标值确定依据", description="原表“指标值确定依据”（怀来县）。")
    extra: dict[str, Text] = Field(
        default_factory=dict,
        title="指标的其他栏目",
        description="原表另有的栏目，如 权重、指标方向性、分值。",
    )
    OPTIONAL = frozenset(("extra",))


class LineSpan(Model):
    line_start: Line
    line_end: Line


class SourceRef(Model):
    file: Annotated[str, StringConstraints(min_length=1, max_length=255)] = _title(
        ..., "来源文件", "data/raw/ 中原样保存的公开文件名。"
    )
    line_start: Line = _title(..., "来源起始行", "表格在来源文件中的第一行。")
    line_end: Line = _title(..., "来源结束行", "表格在来源文件中的最后一行。")
    layout: str = Field("", title="版式")
    # a table continued on the next page keeps the continuation's lines here
    continued: list[LineSpan] = Field(default_factory=list, title="续表")
    # documents other than text exports: where the table is (its rows are line_start/line_end)
    page: Annotated[int, Field(ge=1)] | None = Field(
        None, title="来源页码", description="PDF 中表格所在的第一页。"
    )
    sheet: Name = Field("", title="来源工作表", description="Excel 中表格所在的工作表。")
    table: Annotated[int, Field(ge=1)] | None = Field(
        None, title="来源表序号", description="表格是文件中的第几张表。"
    )
    OPTIONAL = frozenset(("continued", "page", "sheet", "table"))


class BudgetMatch(Model):
    """003: the line of the 项目支出预算表 that this project was matched to."""

    name: Name = _title(..., "预算表中的项目名称", "中阳县：项目支出预算表中对应行的名称。")
    amount_yuan: Amount = _title(..., "预算表中的金额", "中阳县：项目支出预算表中对应行的金额。", "元")
    line: Line = Field(title="预算表行")


class Flag(Model):
    """One quality flag on a record: its code, the note for this occurrence, and where."""

    code: str
    message: Text
    line: int = 0  # source line it concerns; 0 = the whole table
    related: list[str] = Field(default_factory=list)  # ids of the projects it relates to
    # the parts of the record it concerns, as correction paths: "funds.annual.total",
    # "funds.period" (the column's rows), "indicators.12", "overview"; empty = the record
    fields: list[Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z0-9_]+)*$")]] = Field(
        default_factory=list
    )
    OPTIONAL = frozenset(("fields",))

    @model_validator(mode="after")
    def _known(self) -> Flag:
        kind = CATALOGUE.get(self.code)
        if kind is None or kind.severity is not FLAG:
            raise ValueError(f"质量提示代码 {self.code!r} 不在目录中（generator/quality_codes.py）")
        return self


class Record(Model):
    project_id: str = Field(
        "",
        pattern=PROJECT_ID,
        title="项目编号",
        description="本站给每个项目的稳定编号，跨版本不变，也是项目页网址的一部分。",
    )
    year: Annotated[int, Field(ge=1949, le=2100)] | None = _title(None, "预算年度", "表格所属的预算年度。")
    province: Name = _title("", "省", "省份。")
    region: Name = _title("", "地区", "县级行政区（或开发区）。")
    department_code: Annotated[str, StringConstraints(max_length=40)] = _title(
        "", "主管部门代码", "原表“主管部门及代码”中的代码。"
    )
    department_name: Name = _title("", "主管部门", "原表“主管部门及代码”中的部门名称。")
    unit_name: Name = _title("", "实施单位", "原表“实施单位”。")
    project_name: Name = _title("", "项目名称", "原表印出的项目名称（含识别错误，见 quality_flags）。")
    project_code: Name = _title("", "项目编码", "原表有项目编码时填写（怀来县）。")
    attribute: Name = _title("", "项目属性", "一次性项目、经常性项目等，不含括号中的说明。")
    period_years: Annotated[int, Field(ge=0, le=100)] | None = _title(
        None, "项目期（年）", "项目期年数；经常性项目常填 99。", "年"
    )
    category: Name = _title("", "项目分类", "原表勾选的项目分类（A/B/C类），未勾选为空。")
    funds: Funds = Field(default_factory=Funds, title="资金")
    spending_plan: dict[str, Annotated[float | int, Field(ge=0, le=100)]] = _factory(
        dict, "资金支出计划", "累计支出进度，如 3月底:25%;6月底:50%（怀来县）。"
    )
    fund_use: Text = _title("", "资金用途", "原表“资金用途”（怀来县）。")
    overview: Text = _title("", "项目概况", "原表“项目概况”。")
    basis: Text = _title("", "立项依据", "原表“立项依据”。")
    necessity: Text = _title("", "项目设立必要性", "原表“项目设立必要性”。")
    measures: Text = _title("", "保证项目实施的制度、措施", "原表“保证项目实施的制度、措施”。")
    plan: Text = _title("", "项目实施计划", "原表“项目实施计划”。")
    goal_period: Text = _title("", "实施期目标", "总体目标中的实施期（中期）目标。")
    goal_annual: Text = _title("", "年度目标", "总体目标中的年度目标。")
    indicators: list[Indicator] = Field(default_factory=list, title="绩效指标")
    fill_date: Annotated[str, StringConstraints(pattern=r"^(\d{4}-\d\d-\d\d)?$")] = _title(
        "", "填报日期", "原表“填报日期”。"
    )
    budget_match: BudgetMatch | None = Field(None, title="预算表核对")
    source: SourceRef = Field(title="来源")
    quality_flags: list[str] = _factory(list, "质量提示", "用分号分隔的质量提示代码，含义见数据质量页。")
    quality_notes: list[Flag] = Field(default_factory=list, title="质量提示说明")
    corrected_fields: list[str] = Field(default_factory=list, title="人工修正的字段")
    extra: dict[str, Text] = Field(
        default_factory=dict,
        title="原表的其他项目信息",
        description="原表印出而数据模型没有专门字段的项目信息，如 项目类别（上海）；按原表标签记录。",
    )
    OPTIONAL = frozenset(("extra",))

    @model_validator(mode="after")
    def _flags_agree(self) -> Record:
        codes = sorted({f.code for f in self.quality_notes})
        if sorted(set(self.quality_flags)) != codes:
            raise ValueError(
                f"quality_flags {sorted(set(self.quality_flags))} 与 quality_notes 的代码 {codes} 不一致"
            )
        return self

    def flag(
        self,
        code: str,
        line: int = 0,
        /,
        *,
        related: Sequence[str] = (),
        fields: Sequence[str] = (),
        **values: object,
    ) -> None:
        """Add one quality flag: its note is the catalogue's template filled with `values`;
        `fields` are the parts of the record it concerns (marked in place on the page)."""
        note = problem(code, "", line, **values)
        if note.severity is not FLAG:
            raise ValueError(f"{code} is not a quality flag")
        self.add_note(
            Flag(code=code, message=note.message, line=line, related=list(related), fields=list(fields))
        )

    def add_note(self, flag: Flag) -> None:
        """Add one quality note (and its code), once."""
        if flag not in self.quality_notes:
            self.quality_notes.append(flag)
        if flag.code not in self.quality_flags:
            self.quality_flags.append(flag.code)

    def clear_flags(self, codes: Sequence[str]) -> None:
        self.quality_notes = [f for f in self.quality_notes if f.code not in codes]
        self.quality_flags = [c for c in self.quality_flags if c not in codes]

    def notes_for(self, code: str) -> list[Flag]:
        return [f for f in self.quality_notes if f.code == code]

    def to_dict(self) -> dict[str, Any]:
        """The record as written to YAML: field order, flags sorted."""
        out = self.model_dump(mode="python")
        out["quality_flags"] = sorted(set(out["quality_flags"]))
        out["quality_notes"] = sorted(
            out["quality_notes"],
            key=lambda f: (f["code"], f["line"], f["message"]),
        )
        out["corrected_fields"] = sorted(out["corrected_fields"])
        return out


def safe_code(code: str) -> str:
    """A department code as it may appear in ids, keys and file names: [a-z0-9] only."""
    return re.sub(r"[^0-9a-z]", "", code.lower())[:20] or "0"


def _omit_empty_optional() -> None:
    """A key in a model's OPTIONAL is left out of every dump (model_dump, JSON, the record
    files) when it is empty: pydantic's exclude_if, run inside pydantic-core's serializer,
    3–4× faster than the wrap serializer over every model that did it before. Each model is
    rebuilt in definition order, so the models inside another are rebuilt before it."""
    for model in Model.__subclasses__():
        for name in model.OPTIONAL:
            model.model_fields[name].exclude_if = _empty
        model.model_rebuild(force=True)


_omit_empty_optional()


@dataclass
class ExtractedTable:
    """What a layout module returns for one table found in a document."""

    line_start: int  # 1-based, first line of the table in the file
    line_end: int  # 1-based, last line
    record: Record | None  # None when the table failed
    status: str = "ok"  # ok | partial (truncated, still published) | failed
    reason: str = ""  # for partial/failed: what was missing, said for a maintainer
    merged_from: list[tuple[int, int]] = field(default_factory=list)  # continuation pages
    # where the table is in a document that has no lines (PDF page, sheet, table number),
    # as the position fields of a problem; empty for text exports (line_start says it)
    position: dict[str, object] = field(default_factory=dict)


# a finding while reading a document: a catalogue code, its line, the values for its message
Note = tuple[str, int, dict[str, str]]


@dataclass
class LayoutResult:
    tables: list[ExtractedTable] = field(default_factory=list)
    # document-level findings a layout wants in the report (e.g. 003 budget lines
    # without a performance table)
    notes: list[Note] = field(default_factory=list)
    # indicator rows of a spreadsheet with no projects sheet (our indicators.xlsx), by the key
    # of the project they belong to: the pipeline gives them to the records of that key
    indicator_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
