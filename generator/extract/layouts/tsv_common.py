"""Shared grammar of the tab-separated 项目支出绩效目标表 (000, 002 and the tables of 003).

The cells of these files are not aligned to fixed columns: a merged cell that is
empty simply disappears and the rest of the row shifts left. So every row is read
by content: its non-empty cells in order, each classified as a level-1 label, a
level-2 label or a name/value cell. Column positions are used only to break ties
that content cannot decide (which goal a lone goal text is, which side a lone
indicator pair belongs to), and each such use is commented where it happens.

A layout module calls `extract_tables(lines, file, layout)`; it finds every table
by its title line, reads header, funds, texts, goals, indicators and footer, merges
a table continued on the next page, and returns one ExtractedTable per table.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from generator.model import (
    ExtractedTable,
    FundColumn,
    Funds,
    Indicator,
    LayoutResult,
    LineSpan,
    Note,
    Record,
    SourceRef,
)
from generator.quality.common import reader_note_fields
from generator.text import (
    LEVEL2_TO_LEVEL1,
    canonical_level1,
    canonical_level2,
    clean_label,
    level1_for,
    parse_amount,
    parse_attribute,
    parse_decimal,
    parse_fill_date,
    parse_value,
    parse_years,
    split_department,
    tidy_spaces,
)

TITLE_MARKS = ("项目支出绩效目标表", "项目支出绩效目标申报表")
# the national order of level-2 labels; used to infer the label of rows printed before any label
NATIONAL_ORDER = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)
_HEADER_WORDS = {"绩效指标", "一级指标", "二级指标", "三级指标", "指标值"}
_FOOTER_WORDS = ("负责人", "经办人", "联系电话", "填报日期")
_GOAL_LABELS = {"实施期目标", "中期目标", "年度目标", "年度绩效目标"}
# an unknown level-2 label printed by a county ("经济影响指标", "社会公益指标")
_LABEL_LIKE = re.compile(r"[\u4e00-\u9fff]{2,8}指标")
_AMOUNT = re.compile(r"[-+]?[\d,，.\s]*\d[\d,，.\s]*")
_CHECKED = re.compile(r"<input[^>]*\bchecked\b|[☑☒√■▇]")
# a lone cell that can only be a value: it starts with the colon artefact or a comparison sign
_VALUE_START = re.compile(r"^[:：]|^[≥≤≧≦><＞＜=＝]")


def flatten(text: str) -> str:
    """All whitespace removed: the key used to recognise printed labels."""
    return re.sub(r"\s+", "", text or "")


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class Cell:
    col: int  # index of the cell in the tab-split line (tie-breaks only)
    text: str  # stripped, never empty


@dataclass
class Row:
    line: int  # 1-based line number in the file
    cells: list[Cell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def keys(self) -> list[str]:
        return [flatten(c.text) for c in self.cells]


def to_row(line_no: int, line: str) -> Row:
    cells = [Cell(i, t.strip()) for i, t in enumerate(line.split("\t")) if t.strip()]
    return Row(line_no, cells)


def is_title(line: str) -> bool:
    return any(mark in line for mark in TITLE_MARKS)


def is_separator(line: str) -> bool:
    """A "------\\t--\\t…" rule line some exports put between tables."""
    s = line.replace("\t", "").strip()
    return bool(s) and set(s) <= set("-—_ ")


def is_footer(text: str) -> bool:
    return any(w in text for w in _FOOTER_WORDS)


def _is_bare_date(text: str) -> bool:
    return bool(re.fullmatch(r"\s*20\d\d[-/.\d\s:]*", text)) and bool(parse_fill_date(text))


def has_tab_cells(lines: list[str]) -> bool:
    # a few tabbed rows are enough: a truncated table still has its header rows
    return sum(1 for ln in lines if ln.count("\t") >= 2) >= 3


def first_project_row(lines: list[str]) -> str:
    return next((ln for ln in lines if ln.startswith("项目名称\t")), "")


# ---------------------------------------------------------------- blocks


@dataclass
class Block:
    """One printed table (or one page of a table): rows from 项目名称 to the footer."""

    title_line: int  # where the printed table starts: records and tables are keyed on it
    start: int  # line of the 项目名称 row: a continuation page is cited from here
    end: int
    rows: list[Row]
    has_footer: bool
    has_project_row: bool


def find_blocks(lines: list[str]) -> list[Block]:
    titles = [i for i, ln in enumerate(lines) if is_title(ln)]
    bounds = list(zip(titles, [*titles[1:], len(lines)], strict=False))  # no title: no block
    return [_read_block(lines, t, stop) for t, stop in bounds]


def _read_block(lines: list[str], title: int, stop: int) -> Block:
    first = next((i for i in range(title + 1, stop) if lines[i].startswith("项目名称")), None)
    if first is None:
        return Block(title + 1, title + 1, title + 1, [], False, False)
    end, footer = first, False
    for i in range(first, stop):
        s = lines[i].strip()
        if not s or is_separator(lines[i]):
            continue
        if is_footer(s) or (footer and _is_bare_date(s)):
            end, footer = i, True
        elif "\t" in lines[i] and not footer:
            end = i
        else:
            break  # prose after the last table of a document (003: 十一、国有资产…)
    rows = [
        to_row(i + 1, lines[i])
        for i in range(first, end + 1)
        if lines[i].strip() and not is_separator(lines[i])
    ]
    return Block(title + 1, first + 1, end + 1, rows, footer, True)


# ---------------------------------------------------------------- header, funds, texts, goals

_TEXT_FIELDS = (  # label start -> field; labels vary ("项目设立在条件", "拟设项目实施的制度、标准")
    ("项目概况", "overview"),
    ("立项依据", "basis"),
    ("项目设立", "necessity"),
    ("保证项目实施", "measures"),
    ("拟设项目实施", "measures"),
    ("拟采取项目实施", "measures"),
    ("项目实施计划", "plan"),
)
FIELD_LABELS = {
    "project_name": "项目名称",
    "department": "主管部门及代码",
    "unit_name": "实施单位",
    "attribute": "项目属性",
    "period_years": "项目期",
    "funds": "项目资金",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "项目设立必要性",
    "measures": "保证项目实施的制度、措施",
    "plan": "项目实施计划",
    "goal_period": "实施期目标",
    "goal_annual": "年度目标",
}


@dataclass
class Header:
    """Everything above the indicator rows, each value with the line it came from."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    funds: Funds = field(default_factory=Funds)
    fund_lines: list[int] = field(default_factory=list)
    category: str = ""
    category_line: int = 0  # 0: the table has no 项目分类 rows
    notes: list[Note] = field(default_factory=list)

    def put(self, key: str, value: str, line: int) -> None:
        if value and key not in self.values:
            self.values[key] = value
            self.lines[key] = line

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def _text_field(label: str) -> str | None:
    return next((f for start, f in _TEXT_FIELDS if label.startswith(start)), None)


_HEADER_KEYS = (
    ("项目名称", "project_name"),
    ("主管部门", "department"),
    ("实施单位", "unit_name"),
    ("项目属性", "attribute"),
    ("项目期", "period_years"),
)


def _header_key(key: str) -> str | None:
    return next((f for start, f in _HEADER_KEYS if key.startswith(start)), None)


def read_header(rows: list[Row]) -> Header:
    """Read the rows above the indicator header row."""
    head = Header()
    state = ""  # the multi-row block being read: "category", "funds" or "goals"
    goal_cols: dict[str, int] = {}
    for idx, row in enumerate(rows):
        first = row.keys[0]
        if _header_key(first):
            state = ""
            _read_key_cells(head, row, rows[idx + 1] if idx + 1 < len(rows) else None)
        elif first.startswith("项目分类"):
            state = "category"
            _read_category(head, row)
        elif first.startswith("项目资金"):
            state = "funds"
            _read_fund_unit(head, row)
        elif _text_field(first):
            state = ""
            if len(row.cells) > 1:
                head.put(_text_field(first) or "", tidy_spaces(" ".join(row.texts[1:])), row.line)
        elif _goal_label_row(row):
            state = "goals"
            goal_cols = _goal_columns(row, goal_cols)
        elif first.startswith("总体") or state == "goals":
            # 003 申报表 prints the goal text on the row after "总体目标 | 中期目标 | 年度目标"
            state = "goals"
            _read_goal_texts(head, row, goal_cols)
        elif state == "category":
            _read_category(head, row)
        elif state == "funds":
            _read_fund_row(head, row)
    return head


def _read_key_cells(head: Header, row: Row, next_row: Row | None) -> None:
    """Key/value cells: 主管部门及代码 | 021-… | 实施单位 | 中共…; a value is the cell after its key."""
    keys = row.keys
    for i, key in enumerate(keys):
        name = _header_key(key)
        if name is None:
            continue
        if i + 1 < len(keys) and _header_key(keys[i + 1]) is None:
            head.put(name, tidy_spaces(row.texts[i + 1]), row.line)
        elif name == "period_years" and next_row is not None and len(next_row.cells) == 1:
            # 003 line 1275: the 项目期 value wrapped onto the next row ("99年")
            head.put(name, next_row.texts[0], next_row.line)


def _goal_label_row(row: Row) -> bool:
    keys = [k for k in row.keys if k not in {"总体目标", "总体"}]
    return bool(keys) and all(k in _GOAL_LABELS for k in keys)


def _goal_columns(row: Row, cols: dict[str, int]) -> dict[str, int]:
    out = dict(cols)
    for cell in row.cells:
        key = flatten(cell.text)
        if key in {"实施期目标", "中期目标"}:
            out["goal_period"] = cell.col
        elif key == "年度目标":
            out["goal_annual"] = cell.col
    return out


def _read_goal_texts(head: Header, row: Row, cols: dict[str, int]) -> None:
    texts = [c for c in row.cells if flatten(c.text) not in _GOAL_LABELS | {"总体目标", "总体"}]
    if len(texts) >= 2:
        head.put("goal_period", tidy_spaces(texts[0].text), row.line)
        head.put("goal_annual", tidy_spaces(texts[1].text), row.line)
    elif len(texts) == 1:
        # one goal text: it belongs to the goal label it stands under (003 申报表 prints only
        # the 年度目标); the column is the only evidence, ties go to the period goal
        cell = texts[0]
        near = min(
            ("goal_period", "goal_annual"),
            key=lambda k: abs(cols.get(k, 0 if k == "goal_period" else 10**6) - cell.col),
        )
        head.put(near, tidy_spaces(cell.text), row.line)


def _read_category(head: Header, row: Row) -> None:
    text = " ".join(row.texts)
    m = re.search(r"([ABC])\s*类项目", text)
    if m is None:
        return
    head.category_line = head.category_line or row.line
    if _CHECKED.search(text) and not head.category:
        head.category = f"{m.group(1)}类项目"


# ---------------------------------------------------------------- funds

_FUND_WORDS = (  # label words -> fund row; checked in order
    ("一般公共预算", "general_budget"),
    ("政府性基金", "government_fund"),
    ("转移支付", "transfer"),
    ("中央", "central"),
    ("省级", "provincial"),
    ("自筹", "self_raised"),
    ("自有", "self_raised"),
    ("其他", "other"),
)


def fund_key(label: str) -> str | None:
    """ "其中:中央财政资金" -> central; "县(区)级财政资金", "市级(区)财政资金" -> local."""
    s = flatten(label)
    for word, key in _FUND_WORDS:
        if word in s:
            return key
    if "财政" in s and any(w in s for w in ("市", "县", "区")):
        return "local"
    return None


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.fullmatch(text.strip(" ：:元"))) and parse_decimal(text) is not None


def fund_sides(row: Row) -> list[tuple[str, str]]:
    """[(label, amount text)] in printed order: the period side, then the annual side."""
    sides: list[tuple[str, str]] = []
    for text in row.texts:
        if _is_amount(text) and sides and not sides[-1][1]:
            sides[-1] = (sides[-1][0], text)
        elif not _is_amount(text):
            sides.append((text, ""))
    return sides


def _read_fund_unit(head: Header, row: Row) -> None:
    # the unit is printed in the block's label: 项目资金(元) / 项目资金 (万元); 003 line 1277
    # prints no unit, and its "170.000" is yuan like the other 元 tables of 003
    head.funds.unit_in_source = "万元" if "万元" in flatten(row.texts[0]) else "元"
    rest = Row(row.line, row.cells[1:])
    # the first fund row is the total whatever its label says ("上级专项资金", "七级事权资金总额")
    for side, (_, amount) in zip(("period", "annual"), fund_sides(rest), strict=False):
        column: FundColumn = getattr(head.funds, side)
        column.total = parse_amount(amount, head.funds.unit_in_source)
    head.fund_lines.append(row.line)


def _read_fund_row(head: Header, row: Row) -> None:
    for side, (label, amount) in zip(("period", "annual"), fund_sides(row), strict=False):
        key = fund_key(label)
        if key is None:
            head.notes.append(("fund_row_unknown", row.line, {"label": tidy_spaces(label)}))
            continue
        setattr(getattr(head.funds, side), key, parse_amount(amount, head.funds.unit_in_source))
    head.fund_lines.append(row.line)


# ---------------------------------------------------------------- indicators

L1, COST, L2, X = "L1", "COST", "L2", "X"


@dataclass(frozen=True)
class Tok:
    kind: str  # L1, COST (成本指标: level 1 or level 2), L2, or X (a name or value cell)
    canon: str  # canonical label, the cleaned printed label, or the cell text
    cell: Cell

    @property
    def is_label(self) -> bool:
        return self.kind != X


def classify(cell: Cell) -> Tok:
    s = clean_label(cell.text)
    if s == "成本指标":
        return Tok(COST, s, cell)
    if canonical_level1(s):
        return Tok(L1, s, cell)
    l2 = canonical_level2(s)
    if l2:
        return Tok(L2, l2, cell)
    if _LABEL_LIKE.fullmatch(s):
        return Tok(L2, s, cell)
    return Tok(X, cell.text, cell)


def row_tokens(row: Row) -> list[Tok]:
    return [classify(c) for c in row.cells if flatten(c.text) not in _HEADER_WORDS]


def is_indicator_header(row: Row) -> bool:
    keys = set(row.keys)
    return "三级指标" in keys or {"一级指标", "二级指标"} <= keys


def _split_run(toks: list[Tok]) -> tuple[list[Tok], list[Tok], list[Tok]]:
    """Leading labels, the name/value cells after them, and the rest of the row."""
    i = 0
    while i < len(toks) and toks[i].is_label:
        i += 1
    j = i
    while j < len(toks) and not toks[j].is_label:
        j += 1
    return toks[:i], toks[i:j], toks[j:]


def _label_as_name(labels: list[Tok], run: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """000 line 214 "服务对象满意度 | 服务对象满意度 | 满意": a label repeated right after itself
    and followed by one lone cell is the indicator's name, the lone cell its value."""
    l2s = [t for t in labels if t.kind in (L2, COST)]
    if len(run) == 1 and len(l2s) >= 2 and labels[-1].kind in (L2, COST) and l2s[-1].canon == l2s[-2].canon:
        return labels[:-1], [Tok(X, labels[-1].cell.text, labels[-1].cell), *run]
    return labels, run


@dataclass
class IndicatorReader:
    """Reads indicator rows in order, keeping the level labels that span rows."""

    printed_l1: str = ""
    period_l2: str | None = None
    annual_l2: str | None = None
    first_label: str | None = None  # first level-2 label seen: infers the label of earlier rows
    last_sides: tuple[bool, bool] = (False, False)  # did the last content row fill period/annual?
    last_annual_col: int | None = None  # column of the last annual name (a tie-break, see _lone_side)
    period: list[tuple[Indicator, int]] = field(default_factory=list)
    annual: list[tuple[Indicator, int]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def note(self, code: str, line: int, **params: str) -> None:
        if (code, line, params) not in self.notes:  # both sides of a row often share the finding
            self.notes.append((code, line, params))

    # -- labels

    def _see(self, tok: Tok) -> None:
        if tok.kind in (L2, COST) and self.first_label is None:
            self.first_label = tok.canon

    def _infer_from_l1(self, l1: str, current: str | None, line: int) -> str | None:
        """A row printing only a level 1 (003 line 1533 "满意度指标 | 脱贫户满意度"): keep the
        running level 2 if it belongs to that level 1, else take the level 1's first level 2."""
        if current is not None and level1_for(current, self.printed_l1) == l1:
            return current
        inferred = next((l2 for l2 in NATIONAL_ORDER if LEVEL2_TO_LEVEL1[l2] == l1), current)
        self.note("indicator_level_inferred", line, rows=f"只印了一级指标“{l1}”的行", level2=inferred or "")
        return inferred

    # -- rows

    def read(self, row: Row) -> None:
        toks = row_tokens(row)
        for t in toks:
            self._see(t)
        lead, run, rest = _split_run(toks)
        lead, run = _label_as_name(lead, run)
        l2s = [t for t in lead if t.kind in (L2, COST)]
        if not run:
            self._labels_only(lead, l2s)
        elif not rest and len(run) <= 2 and len(l2s) >= 2:
            self._period_empty(row, lead, l2s, run)
        else:
            self._both_sides(row, lead, l2s, run, rest)

    def _set_l1(self, lead: list[Tok]) -> str | None:
        l1 = next((t.canon for t in lead if t.kind == L1), None)
        if l1:
            self.printed_l1 = l1
        return l1

    def _labels_only(self, lead: list[Tok], l2s: list[Tok]) -> None:
        """ "效益指标 | 经济效益指标 | 经济效益指标": period label, then annual label; no indicator."""
        self._set_l1(lead)
        if l2s:
            self.period_l2 = l2s[0].canon
            self.annual_l2 = l2s[1].canon if len(l2s) > 1 else l2s[0].canon

    def _period_empty(self, row: Row, lead: list[Tok], l2s: list[Tok], run: list[Tok]) -> None:
        """003 申报表 "数量指标 | 数量指标 | 法律服务次数 | ≥5次/年": two labels and one pair with
        nothing after it: the period side printed only its label, the pair is the annual side's."""
        self._set_l1(lead)
        self.period_l2, self.annual_l2 = l2s[0].canon, l2s[-1].canon
        self._emit("annual", run, row.line)
        self._remember(False, run[0].cell.col)

    def _both_sides(self, row: Row, lead: list[Tok], l2s: list[Tok], run: list[Tok], rest: list[Tok]) -> None:
        l1 = self._set_l1(lead)
        if (
            len(l2s) >= 2
            and l2s[0].kind == COST
            and l2s[1].kind == COST
            and l1 is None
            and lead.index(l2s[0]) == 0
        ):
            # 000 line 72 "成本 指标 | 成本 指标": level 1 成本指标 printed with level 2 成本指标
            self.printed_l1 = "成本指标"
            l2s = l2s[1:]
        if len(run) >= 3 and run[2].cell.text == run[1].cell.text:
            run = [run[0], run[1], *run[3:]]  # 003 line 1432: the value cell printed twice
        annual_labels, annual_run = self._annual_labels(rest)
        pair, extra = run[:2], run[2:]
        if l2s:
            # two labels before the name (000 line 26): the nearest applies to this row,
            # the other one starts with the next row
            this_row = l2s[-1].canon
            self.period_l2 = this_row
            if not annual_labels:
                self.annual_l2 = this_row  # 002 lines 339-352: the annual side follows the period label
        elif l1:
            self.period_l2 = self._infer_from_l1(l1, self.period_l2, row.line)
        elif annual_labels and not annual_run and not extra:
            # 000 line 169 "经费支出及时率 | ≥100% | 时效指标": the label stands on the annual
            # side only, which has no content; it is the label of this row on both sides
            self.period_l2 = annual_labels[-1].canon
        side = "period"
        if not lead and not rest and not extra:
            side = self._lone_side(pair)
        self._emit(side, pair, row.line)
        if len(l2s) >= 2:
            self.period_l2 = l2s[-2].canon
        annual_col = self._annual(row, rest, extra)
        if side == "annual":
            annual_col = pair[0].cell.col
        self._remember(side == "period", annual_col)

    def _annual_labels(self, rest: list[Tok]) -> tuple[list[Tok], list[Tok]]:
        labels, run, _ = _split_run(rest)
        return labels, run

    def _annual(self, row: Row, rest: list[Tok], extra: list[Tok]) -> int | None:
        """The annual side: its own labels, then name/value pairs. Returns the column of
        its first name cell, None when the row has no annual content."""
        cols = [extra[0].cell.col] if extra else []
        self._emit_pairs("annual", extra, row.line)
        while rest:
            labels, run, rest = _split_run(rest)
            labels, run = _label_as_name(labels, run)
            l2s = [t for t in labels if t.kind in (L2, COST)]
            l1 = next((t.canon for t in labels if t.kind == L1), None)
            if l2s:
                self.annual_l2 = l2s[-1].canon
            elif l1 and run:
                self.annual_l2 = self._infer_from_l1(l1, self.annual_l2, row.line)
            self._emit_pairs("annual", run, row.line)
            cols += [run[0].cell.col] if run else []
        return cols[0] if cols else None

    def _lone_side(self, pair: list[Tok]) -> str:
        """A row holding one name/value pair and no label is the period side, unless the
        table's last row filled only the annual side (003 申报表 line 618), or the pair stands
        exactly where the annual name stood in the row above (002 line 145)."""
        had_period, had_annual = self.last_sides
        if had_annual and not had_period:
            return "annual"
        if had_period and had_annual and pair[0].cell.col == self.last_annual_col:
            return "annual"
        return "period"

    def _remember(self, period: bool, annual_col: int | None) -> None:
        self.last_sides = (period, annual_col is not None)
        self.last_annual_col = annual_col

    # -- indicators

    def _emit_pairs(self, scope: str, run: list[Tok], line: int) -> None:
        for i in range(0, len(run), 2):
            self._emit(scope, run[i : i + 2], line)

    def _emit(self, scope: str, pair: list[Tok], line: int) -> None:
        if not pair:
            return
        name, value = pair[0].cell.text, (pair[1].cell.text if len(pair) > 1 else "")
        if len(pair) == 1 and _VALUE_START.search(name):
            # 003 line 1504 "服务对象满意度 | : 95%": a value with no name cell
            name, value = "", name
            self.note("indicator_name_missing", line, value=clean_value(value))
        elif len(pair) == 1:
            self.note("indicator_value_missing", line, name=tidy_spaces(name))
        l2 = self.period_l2 if scope == "period" else self.annual_l2
        ind = make_indicator(scope, l2 or "", self.printed_l1, name, value)
        (self.period if scope == "period" else self.annual).append((ind, line))

    def finish(self) -> list[Indicator]:
        """Period indicators in table order, then annual ones; unlabelled rows resolved."""
        out = [ind for ind, _ in self.period] + [ind for ind, _ in self.annual]
        pending = [(ind, line) for ind, line in self.period + self.annual if not ind.level2]
        if pending:
            guess = _label_before(self.first_label)
            lines = sorted({line for _, line in pending})
            for ind, _ in pending:
                ind.level2, ind.level1 = guess, level1_for(guess)
            rows = f"第{lines[0]}–{lines[-1]}行（在第一个二级指标之前）"
            self.notes.insert(0, ("indicator_level_inferred", lines[0], {"rows": rows, "level2": guess}))
        return out


def _label_before(first: str | None) -> str:
    """The level 2 that precedes the first label seen, in the national order."""
    if first not in NATIONAL_ORDER:
        return NATIONAL_ORDER[0]
    return NATIONAL_ORDER[max(NATIONAL_ORDER.index(first) - 1, 0)]


def clean_value(text: str) -> str:
    """ "::100%" -> "100%", ": 座" -> "座": the colons are an export artefact."""
    return tidy_spaces(tidy_spaces(text).lstrip(":："))


def make_indicator(scope: str, level2: str, printed_l1: str, name: str, value: str) -> Indicator:
    value = clean_value(value)
    op, number, unit = parse_value(value)
    level1 = level1_for(level2, printed_l1) if level2 else ""
    return Indicator(
        scope=scope,
        level1=level1,
        level2=level2,
        name=tidy_spaces(name),
        value=value,
        op=op,
        number=number,
        unit=unit,
    )


# ---------------------------------------------------------------- footer


def read_fill_date(rows: list[Row]) -> str:
    """填报日期 in one cell, the next cell, the same line or a later line (002 lines 41-49)."""
    seen = False
    for row in rows:
        text = " ".join(row.texts)
        if "填报日期" in text:
            seen = True
            text = text.split("填报日期", 1)[1]
        if seen and (date := parse_fill_date(text)):
            return date
    return ""


# ---------------------------------------------------------------- tables


@dataclass
class Parsed:
    block: Block
    header: Header
    header_rows: list[Row]
    indicator_rows: list[Row]
    footer_rows: list[Row]


def parse_block(block: Block) -> Parsed:
    rows = block.rows
    head_end = next((i for i, r in enumerate(rows) if is_indicator_header(r)), None)
    foot = next((i for i, r in enumerate(rows) if is_footer(" ".join(r.texts))), len(rows))
    if head_end is None:
        head_end = foot
        indicator_rows: list[Row] = []
    else:
        indicator_rows = rows[head_end:foot]
    return Parsed(block, read_header(rows[:head_end]), rows[:head_end], indicator_rows, rows[foot:])


def same_project(a: Parsed, b: Parsed) -> bool:
    keys = ("project_name", "department")
    return all(flatten(a.header.get(k)) == flatten(b.header.get(k)) for k in keys) and bool(
        a.header.get("project_name")
    )


def group_pages(parsed: list[Parsed]) -> list[list[Parsed]]:
    """A table without footer followed by one with the same project and department is one
    table printed over two pages (000 lines 41-78 and 84-111)."""
    groups: list[list[Parsed]] = []
    for p in parsed:
        last = groups[-1][-1] if groups else None
        if last is not None and not last.block.has_footer and last.indicator_rows and same_project(last, p):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def header_differences(first: Header, later: Header) -> list[tuple[int, str, str]]:
    """(line, label, snippet) for each header cell a continuation page prints differently."""
    out = []
    for key, label in FIELD_LABELS.items():
        a, b = first.get(key), later.get(key)
        if key == "funds":
            a, b = str(first.funds.model_dump()), str(later.funds.model_dump())
        if b and flatten(a) != flatten(b):
            line = later.lines.get(key, later.fund_lines[0] if later.fund_lines else 0)
            out.append((line, label, _diff_snippet(a, b)))
    return out


def _diff_snippet(a: str, b: str) -> str:
    """ "…第四十一次… vs …第四十七次…": the differing part with a little context."""
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if not ops:
        return ""
    _, i1, i2, j1, j2 = ops[0]
    lo_a, lo_b = max(i1 - 3, 0), max(j1 - 3, 0)
    return f"首页“{a[lo_a : i2 + 3]}”，续页“{b[lo_b : j2 + 3]}”"


def build_record(pages: list[Parsed], file: str, layout: str) -> Record:
    first = pages[0]
    head = first.header
    record = Record(
        project_name=head.get("project_name"),
        source=SourceRef(
            file=file, line_start=first.block.title_line, line_end=first.block.end, layout=layout
        ),
    )
    record.source.continued = [LineSpan(line_start=p.block.start, line_end=p.block.end) for p in pages[1:]]
    _fill_header(record, head)
    reader = IndicatorReader()
    for page in pages:
        for row in page.indicator_rows:
            reader.read(row)
    record.indicators = reader.finish()
    record.fill_date = read_fill_date(pages[-1].footer_rows)
    for later in pages[1:]:
        for line, label, diff in header_differences(head, later.header):
            record.flag("continuation_header_differs", line, label=label, diff=diff)
    for code, line, params in [*head.notes, *reader.notes]:
        record.flag(code, line, fields=reader_note_fields(record, code, params), **params)
    return record


def _fill_header(record: Record, head: Header) -> None:
    record.department_code, record.department_name = split_department(head.get("department"))
    record.unit_name = head.get("unit_name")
    record.attribute = parse_attribute(head.get("attribute"))
    record.period_years = parse_years(head.get("period_years"))
    record.funds = head.funds
    for key in ("overview", "basis", "necessity", "measures", "plan", "goal_period", "goal_annual"):
        setattr(record, key, head.get(key))
    record.category = head.category
    if head.category_line and not head.category:
        record.flag("category_unmarked", head.category_line, fields=["category"])


def _missing_parts(pages: list[Parsed], record: Record) -> list[str]:
    missing = []
    if not pages[0].header.get("overview"):
        missing.append("项目概况")
    if not (record.goal_period or record.goal_annual) and not any(
        _goal_label_row(r) for p in pages for r in p.header_rows
    ):
        missing.append("总体目标")
    if not any(p.indicator_rows for p in pages):
        missing.append("绩效指标")
    return missing


def table_for(pages: list[Parsed], file: str, layout: str) -> ExtractedTable:
    first = pages[0]
    start, end = first.block.title_line, first.block.end
    if not first.block.has_project_row or not first.header.get("project_name"):
        reason = "标题后没有“项目名称”一行"
        return ExtractedTable(start, end, None, "failed", reason)
    record = build_record(pages, file, layout)
    merged = [(p.block.start, p.block.end) for p in pages[1:]]
    if not any(p.indicator_rows for p in pages):
        missing = _missing_parts(pages, record)
        reason = f"表格在第{pages[-1].block.end}行后中断，缺少{'、'.join(missing)}"
        record.flag("table_truncated", start, missing="、".join(missing))
        return ExtractedTable(start, end, record, "partial", reason, merged)
    return ExtractedTable(start, end, record, "ok", "", merged)


def flag_truncated_departments(records: list[tuple[Record, int]]) -> None:
    """A department name that is a cut-off form of the name printed with the same code
    elsewhere in the document (003 line 1003 "…中阳县委员会办"): keep it, flag it."""
    names: dict[str, set[str]] = {}
    for r, _ in records:
        names.setdefault(r.department_code, set()).add(r.department_name)
    for r, line in records:
        full = sorted(
            n
            for n in names.get(r.department_code, set())
            if n != r.department_name and n.startswith(r.department_name)
        )
        if r.department_name and full:
            r.flag(
                "department_name_truncated",
                line,
                fields=["department_name"],
                printed=r.department_name,
                full=full[-1],
                code=r.department_code,
            )


def extract_tables(lines: list[str], file: str, layout: str) -> LayoutResult:
    groups = group_pages([parse_block(b) for b in find_blocks(lines)])
    tables = [table_for(group, file, layout) for group in groups]
    flag_truncated_departments(
        [
            (t.record, g[0].header.lines.get("department", t.line_start))
            for t, g in zip(tables, groups, strict=True)
            if t.record is not None
        ]
    )
    return LayoutResult(tables=tables)
