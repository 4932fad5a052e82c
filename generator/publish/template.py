"""`budget-site template`: the entry workbook for what no reader can read (a scanned page,
a format without a reader). Its 项目 and 指标 sheets have the published column names in
the first row and their Chinese titles in the second, exactly like our own downloads, so a
filled template and our downloads are read back by one importer
(generator.extract.spreadsheet)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from generator.extract.spreadsheet import SKIP
from generator.publish.schema import INDICATORS, PROJECTS, Column

# the fixed vocabularies a maintainer picks from
CHOICES = {
    "funds_unit_in_source": ("元", "万元"),
    "scope": ("period", "annual"),
    "op": ("≥", "≤", "=", ">", "<"),
    "level1": ("产出指标", "效益指标", "满意度指标", "成本指标"),
}
ROWS = 200  # rows prepared with validation

GUIDE = (
    "项目支出绩效目标表 录入模板",
    "",
    "用途：原件无法自动读取时（扫描件、没有读取程序的格式），按原表逐项录入。",
    "1. “项目”表每行一个项目；“指标”表每行一条绩效指标，用 project_id 列与项目对应",
    "   （project_id 只在本文件内用来对应，可填 1、2、3……；正式编号由程序生成）。",
    "2. 金额一律填元（原表为万元的乘以 10000），原表未列的留空，列出 0 的填 0。",
    "3. scope 填 period（实施期指标）或 annual（年度指标）；value 按原表照录，如 ≥95%。",
    "4. 填好后放进 data/raw/，在 data/sources.yaml 里为它加一条，再运行 budget-site extract。",
    "第一行是列名，第二行是中文说明，请勿改动这两行。",
)


def _input_columns() -> tuple[Column, ...]:
    return tuple(c for c in PROJECTS if c.path and (c.path not in SKIP or c.name == "project_id"))


def _sheet(wb: Workbook, title: str, columns: tuple[Column, ...]) -> None:
    ws = wb.create_sheet(title)
    ws.append([c.name for c in columns])
    ws.append([c.title + (f"（{c.unit}）" if c.unit else "") for c in columns])
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    for n, c in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=n).column_letter
        ws.column_dimensions[letter].width = max(12, min(40, len(c.title) * 2 + 4))
        if c.name in CHOICES:
            check = DataValidation(
                type="list", formula1='"' + ",".join(CHOICES[c.name]) + '"', allow_blank=True
            )
            check.add(f"{letter}3:{letter}{ROWS + 2}")
            ws.add_data_validation(check)


def write_template(path: Path) -> None:
    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    _sheet(wb, "项目", _input_columns())
    _sheet(wb, "指标", tuple(c for c in INDICATORS if c.name != "seq"))
    wb.save(str(path))
