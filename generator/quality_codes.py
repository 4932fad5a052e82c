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
        "资金来源各行（中央、省级、市县、自筹、其他，或一般公共预算、政府性基金、上级转移支付，或当年财政拨款、上年结转等）加起来不等于表中的资金合计。",
        "第 {at} 行：{column}资金的{rows}各行合计{parts}，而{column}资金总额为{total}，二者应相等",
    ),
    _f(
        "annual_exceeds_period",
        "年度资金大于整个实施期（中期）的资金总额，二者至少有一个填错。",
        "第 {at} 行：年度资金{annual}大于实施期资金{period}，年度资金应包含在实施期资金之内",
    ),
    _f(
        "text_amount_mismatch",
        "项目名称、项目概况或目标文字里写明的项目金额与表中的资金合计不一致（文字同时写明表中金额的，如“现申请…”“其中…”，不算）。",
        "第 {at} 行：{field}写“{phrase}”（{stated}），而表中资金总额为{table}",
    ),
    _f(
        "placeholder_text",
        "表中留有模板占位文字（如“目标内容1”“指标1”）或绩效目标空白，没有真正填写。",
        "第 {at} 行：{found}",
    ),
    _f(
        "implausible_unit",
        "某个指标值的金额远远超过项目的全部资金，单位很可能写错（例如把“元”写成“万元”）。",
        "第 {at} 行：指标“{name}”的值{value}即{yuan}，而项目资金只有{reference}，超过100倍",
    ),
    _f(
        "boilerplate_values",
        "所有绩效指标都填了同一个值，指标很可能没有按项目实际情况填写。",
        "第 {at} 行起：全部{count}个指标的值都是“{value}”",
    ),
    _f(
        "indicators_copied",
        "绩效指标与另一个部门的不相关项目完全相同，可能是照抄的。",
        "第 {at} 行起的绩效指标与{department}的“{other}”（第 {other_at} 行）完全相同",
    ),
    _f(
        "duplicate_submission",
        "同一地区、同一部门和单位的同名项目以相同金额出现了不止一次，可能重复公开。",
        "第 {lines} 行：同一部门、单位的同名项目以相同金额（年度资金{amount}）共公开了{count}次",
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
        "原表表头的某个格子错位或填错：能按内容放回的已放回，不能的按未填写处理。",
        "表头格子“{text}”错位：{what}",
    ),
    _f(
        "fund_row_unknown",
        "资金来源中有一行无法归入中央、省级、市县、自筹或其他，未计入分项。",
        "资金行“{label}”无法归类",
    ),
    # ------------------------------------------------------------ added with the checks issue
    _f(
        "period_total_zero",
        "实施期资金总额填了0，年度资金却大于0：实施期资金应包含年度资金。",
        "第 {at} 行：实施期资金总额为0，而年度资金为{annual}",
    ),
    _f(
        "one_year_totals_differ",
        "项目期只有1年，实施期资金与年度资金却不相等。",
        "第 {at} 行：年度资金{annual}，实施期资金{period}，项目期 1 年，二者应相等",
    ),
    _f(
        "period_equals_annual",
        "多年期或经常性项目的实施期资金与年度资金相同：实施期资金似乎只填了一年的数。",
        "第 {at} 行：{which}，实施期资金与年度资金都是{period}（年度资金{annual}）",
    ),
    _f(
        "fund_rows_crossed",
        "资金来源各行似乎填错了栏：实施期各行合计等于年度总额，年度各行合计等于实施期总额。",
        "第 {at} 行：实施期各行合计{period_parts}（实施期总额{period}），"
        "年度各行合计{annual_parts}（年度总额{annual}），两栏像是填反了",
    ),
    _f(
        "cost_exceeds_total",
        "某个成本指标（按元或万元计的整项成本）大于项目的资金总额。",
        "第 {at} 行：{scope}成本指标“{name}”为{value}即{yuan}，大于{scope}资金总额{total}",
    ),
    _f(
        "cost_items_exceed_total",
        "各项成本指标加起来大于项目的资金总额。",
        "第 {at} 行起：{scope}成本指标{items}合计{summed}，大于{scope}资金总额{total}",
    ),
    _f(
        "unit_cost_exceeds_total",
        "单位成本（如元/人/月）乘以同一项目的数量指标，远远超过项目的资金总额。",
        "第 {at} 行：{scope}成本指标“{name}”{value} × 数量指标“{count_name}”{count}{times} = {product}，"
        "比{scope}资金总额{total}多出{margin}以上",
    ),
    _f(
        "cost_budget_mismatch",
        "成本指标与部门项目支出预算表中这个项目的金额相矛盾。",
        "第 {at} 行：成本指标“{name}”为{value}即{yuan}，"
        "而部门项目支出预算表（第 {budget_line} 行）列{budget}",
    ),
    _f(
        "percent_too_high",
        "比率或满意度类指标的值超过100%，不可能达到。",
        "第 {at} 行：{where}的指标值为{value}，超过100%",
    ),
    _f(
        "percent_bound_misused",
        "比率类指标写成“≥100%”（比率不能超过100%），或越高越好的比率写成“≤100%”（不构成要求）。",
        "第 {at} 行：{where}的指标值为{value}：{why}",
    ),
    _f(
        "negative_value",
        "指标值是负数：金额或数量不能为负。",
        "第 {at} 行：{where}的指标值为{value}，是负数",
    ),
    _f(
        "unit_without_number",
        "指标值只写了单位（如“:人”“座”），没有数字。",
        "第 {at} 行：{where}的指标值“{value}”只有单位，没有数字",
    ),
    _f(
        "quantity_out_of_scale",
        "数量指标比项目概况或目标文字中同一单位的数字大出十倍以上，很可能多写了位数。",
        "第 {at} 行：{where}的指标值为{value}，而文字中说到的同一事物只有{stated}",
    ),
    _f(
        "date_malformed",
        "时间指标写法不对，如“10底前”缺了“月”。",
        "第 {at} 行：{where}的指标值“{value}”中“{part}”不是有效的日期",
    ),
    _f(
        "fill_date_implausible",
        "填报日期早于本年度预算的编制（上一年下半年），或晚于预算公开（本年上半年），可能沿用了别的年度的表。",
        "第 {at} 行：填报日期{date}，{when}（{year}年预算的表应在{earliest}至{latest}之间填报）",
    ),
    _f(
        "earlier_year_amount",
        "文字把表中的金额说成是往年的金额，可能照抄了往年的表。",
        "第 {at} 行：{field}写“{phrase}”，把{stated}说成{year}年的金额，而本表是{budget_year}年度",
    ),
    _f(
        "side_values_differ",
        "同一个指标在实施期和年度两栏的指标值不同（一年期或经常性项目两栏应一致）。",
        "第 {at} 行起：{rows}",
    ),
    _f(
        "side_indicators_differ",
        "实施期与年度两栏列出的绩效指标不同（一年期或经常性项目两栏应一致）。",
        "第 {at} 行起：只在实施期栏的指标有{period}；只在年度栏的指标有{annual}",
    ),
    _f(
        "indicator_repeated",
        "同一栏中同一个指标（名称和指标值都相同）重复出现。",
        "第 {at} 行：{scope}栏的指标“{name}”（{value}）重复出现",
    ),
    _f(
        "text_doubled",
        "某个格子的文字重复了一遍，如“有效保障有效保障”。",
        "第 {at} 行：{where}是“{text}”，同一段文字重复了两遍",
    ),
    _f(
        "indicator_name_truncated",
        "三级指标名称不完整：只是它自己的指标描述或另一栏同一指标名称的开头部分。",
        "第 {at} 行：三级指标“{name}”只是“{full}”的开头",
    ),
    _f(
        "fund_use_other_project",
        "资金用途写的是本文件中另一个项目的名称。",
        "第 {at} 行：资金用途写“{use}”，这是另一个项目（第 {other_at} 行）的名称",
    ),
    _f(
        "project_count_mismatch",
        "文件说明的项目数与实际印出的项目支出绩效目标表数量不同。",
        "第 {at} 行：文件写“{said}”，称有{stated}个项目，实际印出的项目支出绩效目标表只有{printed}张",
    ),
    _f(
        "budget_line_without_table",
        "部门项目支出预算表中有一行支出，文件中没有与之对应的项目支出绩效目标表。",
        "第 {at} 行：部门项目支出预算表列有“{name}”（{unit}，{amount}），文件中没有它的绩效目标表",
    ),
    _f(
        "department_in_two_documents",
        "同一地区的同一部门出现在两份文件中，可能重复公开或版本不同。",
        "本部门的项目也出现在{files}中",
    ),
)

# How serious each flag is, shown beside it on the site: 严重 = an amount or a count is
# wrong or contradicted; 注意 = inconsistent or implausible; 提示 = the form is not
# filled in properly (or we had to repair how it was printed).
SERIOUS, CAUTION, NOTICE = "严重", "注意", "提示"
SEVERITY: dict[str, str] = {
    "funds_sum_mismatch": SERIOUS,
    "annual_exceeds_period": SERIOUS,
    "text_amount_mismatch": SERIOUS,
    "placeholder_text": NOTICE,
    "implausible_unit": SERIOUS,
    "boilerplate_values": NOTICE,
    "indicators_copied": CAUTION,
    "duplicate_submission": CAUTION,
    "indicator_value_missing": NOTICE,
    "indicator_name_missing": NOTICE,
    "indicator_level_inferred": NOTICE,
    "table_truncated": SERIOUS,
    "continuation_header_differs": NOTICE,
    "ocr_name_mismatch": NOTICE,
    "budget_amount_mismatch": SERIOUS,
    "budget_line_missing": CAUTION,
    "department_name_truncated": NOTICE,
    "category_unmarked": NOTICE,
    "header_cell_misplaced": NOTICE,
    "fund_row_unknown": NOTICE,
    "period_total_zero": SERIOUS,
    "one_year_totals_differ": SERIOUS,
    "period_equals_annual": NOTICE,
    "fund_rows_crossed": SERIOUS,
    "cost_exceeds_total": SERIOUS,
    "cost_items_exceed_total": SERIOUS,
    "unit_cost_exceeds_total": CAUTION,
    "cost_budget_mismatch": SERIOUS,
    "percent_too_high": CAUTION,
    "percent_bound_misused": NOTICE,
    "negative_value": SERIOUS,
    "unit_without_number": NOTICE,
    "quantity_out_of_scale": CAUTION,
    "date_malformed": NOTICE,
    "fill_date_implausible": CAUTION,
    "earlier_year_amount": CAUTION,
    "side_values_differ": CAUTION,
    "side_indicators_differ": CAUTION,
    "indicator_repeated": NOTICE,
    "text_doubled": NOTICE,
    "indicator_name_truncated": NOTICE,
    "fund_use_other_project": CAUTION,
    "project_count_mismatch": SERIOUS,
    "budget_line_without_table": SERIOUS,
    "department_in_two_documents": CAUTION,
}
assert set(SEVERITY) == {k.code for k in QUALITY}, "every quality flag needs a severity"


# flags about a whole document (a stated project count, budget lines without a table, a
# department published twice): shown once on the region page, not on every project page
DOCUMENT_FLAGS = frozenset(
    {"project_count_mismatch", "budget_line_without_table", "department_in_two_documents"}
)
