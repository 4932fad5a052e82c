"""The one table model every reader yields (PDF, Word, Excel, HTML, text).

A table is a grid of cells; a merged cell is one Cell with its row and column span,
read once. Every cell knows where it was printed (PDF page, sheet!cell, docx table row,
text line), so each message and record can name the position in the original document.
The form reader (generator.extract.form) maps tables to records through the vocabulary;
it never needs to know which file format a table came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    row: int  # 0-based row of the grid where the cell starts
    col: int  # 0-based column where the cell starts
    text: str  # the cell's text, lines joined with "\n" as printed (not yet cleaned)
    rowspan: int = 1
    colspan: int = 1
    page: int = 0  # PDF page the cell is printed on (1-based; 0 for other formats)
    line: int = 0  # text line in the file (1-based; txt documents only)
    ref: str = ""  # spreadsheet reference, e.g. "B4" (xlsx only)
    runs_on: bool = False  # PDF: the text goes on from the cell above it, cut by the page break before


@dataclass
class Table:
    file: str  # the document's file name inside data/raw/
    index: int  # 1-based position of the table in the document
    cells: list[Cell] = field(default_factory=list)
    title: str = ""  # the caption or paragraph printed above the table ("…项目支出绩效目标表")
    context: list[str] = field(
        default_factory=list
    )  # the lines/paragraphs just above it (单位：万元, 部门名称 …)
    after: list[str] = field(default_factory=list)  # the first lines under it (负责人：… 填报日期：…)
    page: int = 0  # PDF page where the table starts
    sheet: str = ""  # spreadsheet sheet name
    pages: list[int] = field(default_factory=list)  # every PDF page the table runs over (continued tables)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """The cells that start in each row, left to right (a merged cell only in its first row)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        return [sorted(r, key=lambda c: c.col) for r in out]

    def grid(self) -> list[list[Cell | None]]:
        """Every position of the grid and the cell covering it (a merged cell at all its positions)."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[r][k] = c
        return out

    def position(self, cell: Cell | None = None) -> dict[str, object]:
        """Where a cell (or the whole table) is, as the position fields of a Problem:
        page, sheet, cell ("B4", or "表2 第5行"), line."""
        out: dict[str, object] = {}
        page = (cell.page if cell else 0) or self.page
        if page:
            out["page"] = page
        if self.sheet:
            out["sheet"] = self.sheet
        if cell and cell.ref:
            out["cell"] = cell.ref
        elif cell and not cell.line:
            out["cell"] = f"表{self.index} 第{cell.row + 1}行"
        elif not cell and not self.sheet:
            out["cell"] = f"表{self.index}"
        if cell and cell.line:
            out["line"] = cell.line
        return out


# a finding while reading a file: a catalogue code and its values, position fields included
# (page=, sheet=, cell=, line=); see generator.problems.problem
Finding = tuple[str, dict[str, object]]


@dataclass
class Reading:
    """What a reader found in one document."""

    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0  # pages read (PDF), for the benchmark's pages/s


def as_text(reading: Reading) -> list[str]:
    """The tables of a document written out as plain text, for the served copy: a heading
    line per table (its number, page or sheet, and title), then one line per row with
    the cells separated by tabs. Nothing of the original markup survives."""
    out: list[str] = []
    for table in reading.tables:
        where = f"第{table.page}页" if table.page else table.sheet
        out.append(
            f"# 表{table.index}"
            + (f"（{where}）" if where else "")
            + (f" {table.title}" if table.title else "")
        )
        for row in table.rows():
            out.append("\t".join(" ".join(c.text.split()) for c in row))
        out.append("")
    return out
