"""The seed records republished the way counties publish: each record written back as a
national-form 项目支出绩效目标表 (merged cells as Word and Excel merge them) into a Word
document, an Excel workbook and an HTML page (and, where LibreOffice is installed, a PDF
printed from the Word file); then extracted again and compared with the records.

Prints, per format: tables written, records extracted, records right (name, annual and
period totals and every fund row equal), indicators right, and seconds per table (per
page for PDF). Never asserts: tests/test_republished.py holds the pass mark.

    .venv/bin/python bench/republish.py            # 40 records per format
    .venv/bin/python bench/republish.py 200 pdf    # 200 records, PDF only
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from generator.model import FUND_ROWS, Record

REPO = Path(__file__).resolve().parent.parent
N_COLS = 9  # label column + 4 per side (一级 二级 三级 指标值)
FUND_LABELS = {
    "central": "中央财政资金",
    "provincial": "省级财政资金",
    "local": "市县（区）财政资金",
    "self_raised": "单位自筹",
    "other": "其他资金",
}
TEXTS = (
    ("overview", "项目概况"),
    ("basis", "立项依据"),
    ("necessity", "项目设立必要性"),
    ("measures", "保证项目实施的制度、措施"),
    ("plan", "项目实施计划"),
)

# a grid cell: (row, col, text, rowspan, colspan)
Span = tuple[int, int, str, int, int]


def _amount(value: float | int | None) -> str:
    if value is None:
        return ""
    return (
        f"{value:,.2f}" if isinstance(value, float) and not float(value).is_integer() else f"{int(value):,}"
    )


def _indicator_side(rec: Record, scope: str, row0: int, col0: int) -> list[Span]:
    """One side's indicators, level 1 and level 2 merged down over their rows."""
    inds = [i for i in rec.indicators if i.scope == scope]
    out: list[Span] = []
    for n, ind in enumerate(inds):
        out += [(row0 + n, col0 + 2, ind.name, 1, 1), (row0 + n, col0 + 3, ind.value, 1, 1)]
    for level, col in (("level1", col0), ("level2", col0 + 1)):
        keys = [(i.level1, getattr(i, level)) for i in inds]
        start = 0
        for n in range(1, len(inds) + 1):
            if n == len(inds) or keys[n] != keys[start]:
                out.append((row0 + start, col, getattr(inds[start], level), n - start, 1))
                start = n
    return out


def form_grid(rec: Record) -> list[Span]:
    """A record as the national form's grid (Shanxi/Hebei 项目支出绩效目标表, amounts in 元)."""
    g: list[Span] = [
        (0, 0, "项目名称", 1, 1),
        (0, 1, rec.project_name, 1, 8),
        (1, 0, "主管部门及代码", 1, 1),
        (
            1,
            1,
            f"{rec.department_code}-{rec.department_name}" if rec.department_code else rec.department_name,
            1,
            4,
        ),
        (1, 5, "实施单位", 1, 1),
        (1, 6, rec.unit_name, 1, 3),
        (2, 0, "项目属性", 1, 1),
        (2, 1, rec.attribute, 1, 4),
        (2, 5, "项目期", 1, 1),
        (2, 6, f"{rec.period_years}年" if rec.period_years else "", 1, 3),
        (3, 0, "项目资金（元）", 1 + len(FUND_LABELS), 1),
        (3, 1, "实施期资金总额", 1, 2),
        (3, 3, _amount(rec.funds.period.total), 1, 2),
        (3, 5, "年度资金总额", 1, 2),
        (3, 7, _amount(rec.funds.annual.total), 1, 2),
    ]
    for n, (key, label) in enumerate(FUND_LABELS.items(), start=4):
        g += [
            (n, 1, f"其中：{label}" if n == 4 else label, 1, 2),
            (n, 3, _amount(getattr(rec.funds.period, key)), 1, 2),
            (n, 5, f"其中：{label}" if n == 4 else label, 1, 2),
            (n, 7, _amount(getattr(rec.funds.annual, key)), 1, 2),
        ]
    row = 4 + len(FUND_LABELS)
    for key, label in TEXTS:
        g += [(row, 0, label, 1, 1), (row, 1, getattr(rec, key), 1, 8)]
        row += 1
    g += [
        (row, 0, "总体目标", 2, 1),
        (row, 1, "实施期目标", 1, 4),
        (row, 5, "年度目标", 1, 4),
        (row + 1, 1, rec.goal_period, 1, 4),
        (row + 1, 5, rec.goal_annual, 1, 4),
    ]
    row += 2
    n_rows = max(sum(1 for i in rec.indicators if i.scope == s) for s in ("period", "annual"))
    g.append((row, 0, "绩效指标", n_rows + 1, 1))
    for side, col0 in ((0, 1), (1, 5)):
        g += [(row, col0 + k, h, 1, 1) for k, h in enumerate(("一级指标", "二级指标", "三级指标", "指标值"))]
        del side
    g += _indicator_side(rec, "period", row + 1, 1) + _indicator_side(rec, "annual", row + 1, 5)
    row += n_rows + 1
    if rec.fill_date:
        g += [(row, 0, "填报日期", 1, 1), (row, 1, rec.fill_date, 1, 8)]
    return g


def title_of(rec: Record) -> str:
    return f"{rec.year}年项目支出绩效目标表"


# ---------------------------------------------------------------- writers


def write_docx(records: list[Record], path: Path) -> None:
    from docx import Document

    doc = Document()
    for rec in records:
        doc.add_paragraph(title_of(rec))
        doc.add_paragraph("单位：元")
        grid = form_grid(rec)
        n_rows = max(r + rs for r, _, _, rs, _ in grid)
        table = doc.add_table(rows=n_rows, cols=N_COLS)
        table.style = "Table Grid"
        for r, c, text, rs, cs in grid:
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            cell.text = text
        doc.add_page_break()
    doc.save(str(path))


def write_xlsx(records: list[Record], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for n, rec in enumerate(records, 1):
        ws = wb.create_sheet(f"表{n}")
        ws.cell(1, 1, title_of(rec))
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=N_COLS)
        ws.cell(2, 1, "单位：元")
        for r, c, text, rs, cs in form_grid(rec):
            ws.cell(r + 3, c + 1, text)
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=r + 3, start_column=c + 1, end_row=r + 2 + rs, end_column=c + cs)
    wb.save(str(path))


def write_html(records: list[Record], path: Path) -> None:
    from html import escape

    out = ['<!doctype html><html><head><meta charset="utf-8"><title>项目支出绩效目标表</title></head><body>']
    for rec in records:
        out += [f"<h3>{escape(title_of(rec))}</h3>", "<p>单位：元</p>", "<table border=1>"]
        grid = form_grid(rec)
        for row in range(max(r + rs for r, _, _, rs, _ in grid)):
            cells = sorted((c, t, rs, cs) for r, c, t, rs, cs in grid if r == row)
            tds = "".join(
                f'<td rowspan="{rs}" colspan="{cs}">{escape(t).replace(chr(10), "<br>")}</td>'
                for _, t, rs, cs in cells
            )
            out.append(f"<tr>{tds}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_pdf(records: list[Record], path: Path) -> bool:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return False
    docx = path.with_suffix(".docx")
    write_docx(records, docx)
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(docx)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    docx.unlink()
    return path.exists()


WRITERS = {"docx": write_docx, "xlsx": write_xlsx, "html": write_html, "pdf": write_pdf}


# ---------------------------------------------------------------- comparing


def same_funds(a: Record, b: Record) -> bool:
    return all(
        getattr(getattr(a.funds, side), k) == getattr(getattr(b.funds, side), k)
        for side in ("period", "annual")
        for k in FUND_ROWS
    )


def right(expected: Record, got: Record) -> bool:
    return got.project_name == expected.project_name and same_funds(expected, got)


def indicators_right(expected: Record, got: Record) -> bool:
    key = lambda r: [(i.scope, i.level1, i.level2, i.name, i.value) for i in r.indicators]  # noqa: E731
    return key(expected) == key(got)


def sample(n: int) -> list[Record]:
    """n records of the seed corpus, spread over the documents, with both indicator sides."""
    from generator.paths import Paths
    from generator.problems import Report
    from generator.records import load_records

    loaded = [r for r in load_records(Paths(REPO), Report()).records if r.indicators and not r.quality_flags]
    names = Counter(r.project_name for r in loaded)
    records = [r for r in loaded if names[r.project_name] == 1]  # compared by name: names must be unique
    step = max(len(records) // n, 1)
    return records[::step][:n]


def republish(records: list[Record], fmt: str, root: Path) -> dict[str, float]:
    from generator.extract import run_extract
    from generator.paths import Paths

    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    path = raw / f"republished.{fmt}"
    if WRITERS[fmt](records, path) is False:
        return {}
    (root / "data" / "sources.yaml").write_text(
        "sources:\n  - file: republished." + fmt + "\n    province: 山西省\n    region: 测试县\n"
        "    slug: test\n    year: 2024\n    publisher: 测试\n    title: 测试\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    outcome = run_extract(Paths(root))
    seconds = time.perf_counter() - start
    got = list(outcome.records.values())
    by_name = {r["project_name"]: Record.model_validate(r) for r in got}
    ok = sum(1 for rec in records if rec.project_name in by_name and right(rec, by_name[rec.project_name]))
    inds = sum(
        1
        for rec in records
        if rec.project_name in by_name and indicators_right(rec, by_name[rec.project_name])
    )
    return {
        "tables": len(records),
        "records": len(got),
        "right": ok,
        "indicators_right": inds,
        "seconds": seconds,
    }


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 40
    formats = argv[1:] or list(WRITERS)
    records = sample(n)
    print(f"{len(records)} seed records republished per format")
    print(f"{'format':<6} {'tables':>6} {'records':>7} {'right':>6} {'indicators':>10} {'s/table':>8}")
    for fmt in formats:
        with tempfile.TemporaryDirectory() as tmp:
            r = republish(records, fmt, Path(tmp))
        if not r:
            print(f"{fmt:<6} skipped (LibreOffice not installed)")
            continue
        print(
            f"{fmt:<6} {r['tables']:>6.0f} {r['records']:>7.0f} {r['right']:>6.0f} "
            f"{r['indicators_right']:>10.0f} {r['seconds'] / r['tables']:>8.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
