"""The quality flags of the catalogue: what looks wrong in a published document.

`title` explains the flag to a citizen (the 数据质量 page, the glossary, the data
dictionary); `template` is the note for one occurrence on one project. Positions are
fields of the flag (its source line, the projects it relates to), never prose.
"""

from __future__ import annotations

from generator.kinds import FLAG, Kind


def _f(code: str, title: str, template: str) -> Kind:
    return Kind(code, FLAG, "quality", template, "", title)


QUALITY: tuple[Kind, ...] = (
    _f(
        "funds_sum_mismatch",
        "资金来源各行（中央、省级、市县、自筹、其他等）加起来不等于表中的资金合计。",
        "{column}各行合计{parts}，表中总额{total}",
    ),
    _f(
        "annual_exceeds_period",
        "年度资金大于整个实施期（中期）的资金总额，二者至少有一个填错。",
        "年度资金{annual}大于实施期资金{period}",
    ),
    _f(
        "text_amount_mismatch",
        "项目概况或目标文字里写明的金额与表中的资金合计不一致。",
        "文字写“{phrase}”（{stated}），表中总额{table}",
    ),
    _f(
        "placeholder_text",
        "表中留有模板占位文字（如“目标内容1”“指标1”）或绩效目标空白，没有真正填写。",
        "{found}",
    ),
    _f(
        "implausible_unit",
        "某个指标值的金额远远超过项目的全部资金，单位很可能写错（例如把“元”写成“万元”）。",
        "指标“{name}”的值{value}即{yuan}，而项目资金为{reference}",
    ),
    _f(
        "boilerplate_values",
        "所有绩效指标都填了同一个值，指标很可能没有按项目实际情况填写。",
        "全部{count}个指标的值都是“{value}”",
    ),
    _f(
        "indicators_copied",
        "绩效指标与另一个部门的不相关项目完全相同，可能是照抄的。",
        "绩效指标与{department}的“{other}”完全相同",
    ),
    _f(
        "duplicate_submission",
        "同一地区、同一部门和单位的同名项目出现了不止一次，可能重复公开。",
        "同一部门、单位的同名项目共公开了{count}次",
    ),
    _f("indicator_value_missing", "有绩效指标没有填写指标值。", "指标“{name}”没有填写指标值"),
    _f(
        "indicator_name_missing",
        "有绩效指标只填了指标值，没有填写指标名称（三级指标）。",
        "指标值“{value}”没有对应的指标名称",
    ),
    _f(
        "indicator_level_inferred",
        "原表没有印出某些指标的一级或二级分类，我们根据指标所在位置或名称推断了分类。",
        "{rows}的二级指标未印出，按位置推断为“{level2}”",
    ),
    _f(
        "table_truncated",
        "原表不完整（缺少部分内容或被截断），这里只发布了表中能读到的部分。",
        "原表缺少{missing}",
    ),
    _f(
        "continuation_header_differs",
        "跨页续表的表头与首页不一致，合并时请留意。",
        "续表的{label}与首页不同：{diff}（采用首页）",
    ),
    _f(
        "ocr_name_mismatch",
        "绩效目标表上的项目名称与部门预算表中的名称不同（多为扫描识别错字），预算表名称见核对信息。",
        "部门项目支出预算表中的名称是“{name}”",
    ),
    _f(
        "budget_amount_mismatch",
        "绩效目标表上的金额与部门项目支出预算表中的金额不同。",
        "本表{own}，部门项目支出预算表{budget}",
    ),
    _f(
        "budget_line_missing",
        "在部门项目支出预算表中找不到与这个项目对应的一行。",
        "部门项目支出预算表中没有名称或金额（{amount}）与本项目相符的一行",
    ),
    _f(
        "department_name_truncated",
        "原表中的主管部门名称不完整（被截断）。",
        "主管部门印作“{printed}”，同一代码{code}在别处印作“{full}”",
    ),
    _f("category_unmarked", "原表没有标明项目分类（A类/B类/C类）。", "项目分类的A类、B类、C类都没有勾选"),
    _f(
        "header_cell_misplaced",
        "原表表头的某个格子错位，我们按内容把它放回了正确的位置。",
        "表头格子“{text}”错位，已按内容放回{target}",
    ),
    _f(
        "fund_row_unknown",
        "资金来源中有一行无法归入中央、省级、市县、自筹或其他，未计入分项。",
        "资金行“{label}”无法归类",
    ),
)
