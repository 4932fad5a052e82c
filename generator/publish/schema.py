"""The published tables, column by column: one definition from which the CSV/XLSX/JSON
headers, datapackage.json and the data dictionary on the downloads page are all made,
so the documented columns and the real headers cannot drift apart.

Column names are the contract of ../shared/docs/DATA_MODEL.md: add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # frictionless type: string, integer, number, date
    title: str  # Chinese title
    description: str
    unit: str = ""


def _c(name: str, type_: str, title: str, description: str, unit: str = "") -> Column:
    return Column(name, type_, title, description, unit)


_FUND_ROWS = (
    ("central", "中央财政资金"),
    ("provincial", "省级财政资金"),
    ("local", "市县（区）财政资金"),
    ("self_raised", "单位自筹"),
    ("other", "其他资金"),
    ("fiscal", "财政资金（原表未分级，怀来县）"),
    ("general_budget", "一般公共预算资金（中阳县申报表）"),
    ("government_fund", "政府性基金（中阳县申报表）"),
    ("transfer", "上级转移支付资金（中阳县申报表）"),
)

PROJECTS: tuple[Column, ...] = (
    _c("project_id", "string", "项目编号", "本站给每个项目的稳定编号，跨版本不变，也是项目页网址的一部分。"),
    _c("year", "integer", "预算年度", "表格所属的预算年度。"),
    _c("province", "string", "省", "省份。"),
    _c("region", "string", "地区", "县级行政区（或开发区）。"),
    _c("department_code", "string", "主管部门代码", "原表“主管部门及代码”中的代码。"),
    _c("department_name", "string", "主管部门", "原表“主管部门及代码”中的部门名称。"),
    _c("unit_name", "string", "实施单位", "原表“实施单位”。"),
    _c("project_name", "string", "项目名称", "原表印出的项目名称（含识别错误，见 quality_flags）。"),
    _c("project_code", "string", "项目编码", "原表有项目编码时填写（怀来县）。"),
    _c("attribute", "string", "项目属性", "一次性项目、经常性项目等，不含括号中的说明。"),
    _c("period_years", "integer", "项目期（年）", "项目期年数；经常性项目常填 99。", "年"),
    _c("category", "string", "项目分类", "原表勾选的项目分类（A/B/C类），未勾选为空。"),
    _c("funds_total_period_yuan", "number", "实施期资金总额", "实施期（中期）资金总额；原表未列为空。", "元"),
    _c("funds_total_annual_yuan", "number", "年度资金总额", "本年度资金总额；原表未列为空。", "元"),
    *(
        _c(
            f"funds_{key}_yuan",
            "number",
            f"年度{label}",
            f"年度资金中的{label}；原表未列为空，列出 0 即为 0。",
            "元",
        )
        for key, label in _FUND_ROWS
    ),
    *(
        _c(f"funds_{key}_period_yuan", "number", f"实施期{label}", f"实施期资金中的{label}。", "元")
        for key, label in _FUND_ROWS
    ),
    _c("funds_unit_in_source", "string", "原表金额单位", "元 或 万元；本表金额一律为元（万元 × 10000）。"),
    _c("spending_plan", "string", "资金支出计划", "累计支出进度，如 3月底:25%;6月底:50%（怀来县）。"),
    _c("fund_use", "string", "资金用途", "原表“资金用途”（怀来县）。"),
    _c("overview", "string", "项目概况", "原表“项目概况”。"),
    _c("basis", "string", "立项依据", "原表“立项依据”。"),
    _c("necessity", "string", "项目设立必要性", "原表“项目设立必要性”。"),
    _c("measures", "string", "保证项目实施的制度、措施", "原表“保证项目实施的制度、措施”。"),
    _c("plan", "string", "项目实施计划", "原表“项目实施计划”。"),
    _c("goal_period", "string", "实施期目标", "总体目标中的实施期（中期）目标。"),
    _c("goal_annual", "string", "年度目标", "总体目标中的年度目标。"),
    _c("fill_date", "date", "填报日期", "原表“填报日期”。"),
    _c("budget_table_name", "string", "预算表中的项目名称", "中阳县：项目支出预算表中对应行的名称。"),
    _c(
        "budget_table_amount_yuan", "number", "预算表中的金额", "中阳县：项目支出预算表中对应行的金额。", "元"
    ),
    _c("source_file", "string", "来源文件", "data/raw/ 中原样保存的公开文件名。"),
    _c("source_line_start", "integer", "来源起始行", "表格在来源文件中的第一行。"),
    _c("source_line_end", "integer", "来源结束行", "表格在来源文件中的最后一行。"),
    _c("page_url", "string", "项目页", "本站项目页的相对网址。"),
    _c("quality_flags", "string", "质量提示", "用分号分隔的质量提示代码，含义见数据质量页和 README。"),
    _c("indicator_count", "integer", "指标数", "实施期和年度绩效指标的条数之和。"),
)

INDICATORS: tuple[Column, ...] = (
    _c("project_id", "string", "项目编号", "所属项目，对应 projects.project_id。"),
    _c("scope", "string", "栏目", "period = 实施期指标，annual = 年度指标。"),
    _c("seq", "integer", "序号", "该项目该栏目中的顺序，从 1 开始。"),
    _c("level1", "string", "一级指标", "产出指标、效益指标、满意度指标或成本指标。"),
    _c("level2", "string", "二级指标", "数量指标、质量指标、时效指标、成本指标、经济效益指标等。"),
    _c("name", "string", "三级指标", "具体指标名称。"),
    _c("description", "string", "指标描述", "原表“绩效指标描述”（怀来县）。"),
    _c("value", "string", "指标值", "原表印出的指标值。"),
    _c("op", "string", "比较符", "从指标值解析：≥ ≤ = > < 或空。"),
    _c("number", "number", "数值", "从指标值解析出的数字；定性指标为空。"),
    _c("unit", "string", "单位", "从指标值解析出的单位，如 人、%、万元。"),
    _c("basis", "string", "指标值确定依据", "原表“指标值确定依据”（怀来县）。"),
)

DEPARTMENTS: tuple[Column, ...] = (
    _c("region", "string", "地区", "县级行政区（或开发区）。"),
    _c("code", "string", "部门代码", "主管部门代码。"),
    _c("name", "string", "部门名称", "主管部门名称（各表中最常见的写法）。"),
    _c("project_count", "integer", "项目数", "该部门公开的项目数。"),
    _c("annual_total_yuan", "number", "年度资金合计", "各项目年度资金总额之和。", "元"),
    _c("province", "string", "省", "省份。"),
    _c("department_key", "string", "部门编号", "本站部门页网址中的编号。"),
    _c("page_url", "string", "部门页", "本站部门页的相对网址。"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "departments": DEPARTMENTS,
}
TABLE_TITLES = {"projects": "项目", "indicators": "绩效指标", "departments": "部门"}
TABLE_DESCRIPTIONS = {
    "projects": "每个项目一行：基本信息、资金（元）、文字说明、目标、来源和质量提示。",
    "indicators": "每条绩效指标一行，project_id 对应 projects。",
    "departments": "每个主管部门一行：项目数和年度资金合计。",
}
