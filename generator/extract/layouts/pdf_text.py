"""Layout "pdf_text": 项目支出绩效目标表 as text extracted from a PDF (001, 襄垣县).

Cells are separated by single spaces, long cells wrap over several lines, blank
lines fall irregularly and the extraction put spaces around digits and Latin
letters ("≥193 人"). Labels are broken over lines ("项目\\n概况").

The indicator table has a period side and an annual side (二级 三级 指标值 twice).
Table rows come out in order, each row as its period part followed by its annual
part; a level-2 label merged over several rows is printed once per side, before
that side's first row. Most tables print the same text on both sides, so the
main decoder splits a level-2 group into rows by finding each period part
repeated right after itself; groups where the sides differ fall back to reading
row by row from value shapes and line breaks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.model import ExtractedTable, FundColumn, Funds, Indicator, LayoutResult, Record, SourceRef
from generator.text import (
    canonical_level1,
    canonical_level2,
    clean_label,
    join_lines,
    level1_for,
    parse_amount,
    parse_attribute,
    parse_fill_date,
    parse_value,
    parse_years,
    split_department,
    squash_spaces,
)

NAME = "pdf_text"

TITLE = "项目支出绩效目标表"
INDICATOR_HEADER = "一级指标 二级指标"

# fund row labels as printed -> FundColumn attribute
_FUND_ROWS = (
    ("其中：中央财政资金", "central"),
    ("中央财政资金", "central"),
    ("省级财政资金", "provincial"),
    ("市县（区）财政资金", "local"),
    ("单位自筹", "self_raised"),
    ("其他资金", "other"),
)

# the level-2 labels as this layout prints them; a wrapped one is joined first
_LEVEL2_LABELS = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
    }
)
# level-1 labels are always broken as "产出\n指标"
_LEVEL1_HEADS = frozenset({"产出", "效益", "满意度", "成本"})
# vertical "绩 效 指 标" label and page numbers that a page break drops into the table
_NOISE = re.compile(r"^(?:[绩效指标]|-\s*\d+\s*-)$")

_OPS = "><≥≤=＞＜≧≦"
_OP_START = re.compile(rf"^(?:[{_OPS}]|不低于\d|不少于\d|不高于\d|不超过\d|大于\d|小于\d)")
_NUMERIC = re.compile(rf"^[{_OPS}]?\s*\d[\d,.]*[^\d]{{0,8}}$")
_DATE = re.compile(r"^(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月)(?:\d{1,2}日)?[^\d]{0,4}$")
# a unit the extraction put on a line of its own, after the number it belongs to
_UNIT_ONLY = re.compile(
    r"^(?:[万亿千百]?(?:元|人|亩|个|户|座|次|公里|千米|米|平方米|立方米|立方|吨|台|套|项|所|家|件|条|处|辆|册|"
    r"份|篇|场|批|株|头|只|间|栋|天|年|月|日|小时|人次|户次|公斤|斤)|%|％)(?:/[^\s/]{1,3})*$"
)
# a name cell ending in one of these words is complete (used to tell a name that
# wraps from a name followed by a text value on the next line)
_NAME_END = re.compile(
    r"(率|数|量|度|性|时间|时限|成本|费用|标准|面积|人数|次数|个数|情况|效果|水平|能力|期限|周期|"
    r"资金|金额|经费|里程|规模|长度|覆盖|影响|影响力|效益|保障|机制|时效|范围|（%）|\(%\))$"
)
# a name line ending in one of these is cut mid-phrase: the name goes on
_NAME_GOES_ON = "、，,（(“《和及与的对在之有"
_CJK_WORD = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = "。；;.！!"


@dataclass
class _Word:
    text: str
    line: int  # 1-based line in the file
    first: bool  # begins its line


# ---------------------------------------------------------------- detect


def detect(lines: list[str]) -> bool:
    """Space-separated PDF text: many titles, "项目名称 X" lines, no tab-separated cells."""
    if any("\t" in ln for ln in lines):
        return False
    titles = sum(1 for ln in lines if TITLE in ln)
    names = sum(1 for ln in lines if ln.startswith("项目名称 "))
    return titles >= 2 and names >= 2


# ---------------------------------------------------------------- small helpers


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns, Latin and digits one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.replace(" ", ""))


def _flat(text: str) -> str:
    """Text with every space gone, to compare what the two sides print."""
    return re.sub(r"\s+", "", text)


def _words_text(words: list[_Word]) -> str:
    return squash_spaces(" ".join(w.text for w in words))


def _find(lines: list[str], start: int, end: int, test) -> int:
    for i in range(start, end):
        if test(lines[i].strip()):
            return i
    return -1


# ---------------------------------------------------------------- header cells


def _header(record: Record, lines: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        raw = lines[i].strip()
        if raw.startswith("项目名称 ") and not record.project_name:
            record.project_name = squash_spaces(raw[len("项目名称 ") :])
        elif raw.startswith("主管部门及代码"):
            dept, _, unit = raw[len("主管部门及代码") :].partition(" 实施单位 ")
            record.department_code, record.department_name = split_department(dept)
            record.unit_name = squash_spaces(unit)
        elif raw.startswith("项目属性"):
            _attribute(record, raw, i + 1)
        elif raw.startswith("填报日期"):
            record.fill_date = parse_fill_date(raw)


def _attribute(record: Record, raw: str, line_no: int) -> None:
    attr, _, period = raw[len("项目属性") :].partition(" 项目期 ")
    attr, period = attr.strip(), period.strip()
    is_attribute = attr.endswith("）") or "项目" in attr
    # a cell that holds something else ("襄垣县商务中心", the unit) is no attribute: left empty
    record.attribute = parse_attribute(attr) if is_attribute else ""
    record.period_years = parse_years(period) if re.fullmatch(r"\d+\s*年", period) else None
    if is_attribute and re.fullmatch(r"\d+\s*年", period):
        return
    if is_attribute:
        what = "已按内容放回项目属性、项目期"
    else:
        what = f"“项目属性”一栏印的是“{squash_spaces(attr)}”，不是项目属性，本站按未填写处理"
    fields = ["attribute", "period_years"]
    record.flag("header_cell_misplaced", line_no, fields=fields, text=squash_spaces(raw), what=what)
    if record.period_years is None:
        # "一次性项目（ 1年结束）" printed under 项目期 still states the years
        record.period_years = parse_years(period)


def _funds(record: Record, lines: list[str], start: int, end: int) -> None:
    funds = Funds(unit_in_source="元")
    for i in range(start, end):
        raw = lines[i].strip()
        m = re.match(r"^实施期资金总额：\s*(.*?)\s*年度资金总额：\s*(.*)$", raw)
        if m:
            funds.period.total = parse_amount(m.group(1))
            funds.annual.total = parse_amount(m.group(2))
            if funds.annual.total is None or funds.period.total is None:
                record.flag(
                    "header_cell_misplaced",
                    i + 1,
                    fields=["funds.period.total", "funds.annual.total"],
                    text=squash_spaces(raw),
                    what="资金总额一栏印的不是金额，本站只采用能读出的金额",
                )
            continue
        for label, attr in _FUND_ROWS:
            m = re.match(rf"^{re.escape(label)}\s*(.*?)\s*{re.escape(label)}\s*(.*)$", raw)
            if m:
                setattr(funds.period, attr, parse_amount(m.group(1)))
                setattr(funds.annual, attr, parse_amount(m.group(2)))
                break
    for column in (funds.period, funds.annual):
        _fill_total_from_rows(column)
    record.funds = funds


def _fill_total_from_rows(column: FundColumn) -> None:
    """A total cell holding something else ("1年") is read from the rows below it."""
    if column.total is not None:
        return
    rows = [getattr(column, k) for k in ("central", "provincial", "local", "self_raised", "other")]
    if any(v is not None for v in rows):
        column.total = sum(v for v in rows if v is not None)


# ---------------------------------------------------------------- text sections

# (field, label lines as printed, in order); the content follows the last label line
_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overview", ("项目", "概况")),
    ("basis", ("立项", "依据")),
    ("necessity", ("项目设立", "必要性")),
    ("measures", ("保证项目", "实施的", "制度、措施")),
    ("plan", ("项目实施", "计划")),
)
_LABELS = {key: str(Record.model_fields[key].title) for key, _ in _SECTIONS}


def _label_at(lines: list[str], i: int, end: int, parts: tuple[str, ...]) -> tuple[int, str] | None:
    """If the label parts start at line i, return (index of its last line, text after it)."""
    k = i
    for n, part in enumerate(parts):
        while k < end and not lines[k].strip():
            k += 1
        if k >= end:
            return None
        text = lines[k].strip()
        last = n == len(parts) - 1
        # "立项依据 …" prints the whole label on one line
        joined = "".join(parts[n:])
        if n == 0 and len(parts) > 1 and (text == joined or text.startswith(joined + " ")):
            return k, text[len(joined) :].strip()
        if text == part:
            k += 1
            continue
        if last and text.startswith(part + " "):
            return k, text[len(part) :].strip()
        return None
    return k - 1, ""


def _unsplit_basis_label(lines: list[str], start: int, end: int) -> tuple[list[str], int, int]:
    """1075: "立项\n依" … overview text … "据": the overview's tail was printed inside the
    broken label. Put it back before the label (text sections ignore line numbers)."""
    part = lines[start:end]
    stripped = [t.strip() for t in part]
    if "依" in stripped and "据" in stripped and "立项" in stripped:
        a, b, c = stripped.index("立项"), stripped.index("依"), stripped.index("据")
        if a < b < c:
            part = part[:a] + part[b + 1 : c] + ["立项", "依据"] + part[c + 1 :]
    return part, 0, len(part)


def _text_sections(record: Record, lines: list[str], start: int, goals_at: int) -> list[str]:
    """Fill overview…plan; the content of one ends where the next label begins."""
    lines, start, goals_at = _unsplit_basis_label(lines, start, goals_at)
    found: list[tuple[str, int, int, str]] = []  # field, label start, content start, inline text
    i = start
    for field_name, parts in _SECTIONS:
        for k in range(i, goals_at):
            hit = _label_at(lines, k, goals_at, parts)
            if hit:
                found.append((field_name, k, hit[0] + 1, hit[1]))
                i = hit[0] + 1
                break
    missing = [f for f, _ in _SECTIONS if f not in {x[0] for x in found}]
    for n, (field_name, _, content_start, inline) in enumerate(found):
        content_end = found[n + 1][1] if n + 1 < len(found) else goals_at
        body = [inline, *lines[content_start:content_end]]
        setattr(record, field_name, join_lines(body))
    return missing


# ---------------------------------------------------------------- goals


def _goals(lines: list[str], start: int, end: int) -> tuple[str, str, str]:
    """(period goal, annual goal, note) from the lines after "总体\\n目标"."""
    body = [(i, lines[i].strip()) for i in range(start, end)]
    first = next((t for _, t in body if t), "")
    if first.startswith("目标 "):
        # both goals on the label's line: "目标 保证完成任务 保证完成任务"
        return (*_split_one_line(first[len("目标 ") :]), "")
    body = [(i, t) for i, t in body if t != "目标"]
    texts = [t for _, t in body if t]
    if not texts:
        return "", "", "no goal printed"
    if len(texts) == 1:
        left, right = _split_one_line(texts[0])
        return left, right, ""
    # the two columns come one after the other: first try a split where both
    # halves say the same, then the paragraph break, then a short line ending a sentence
    flat = [_flat(t) for t in texts]
    for k in range(1, len(texts)):
        if "".join(flat[:k]) == "".join(flat[k:]):
            return join_lines(texts[:k]), join_lines(texts[k:]), ""
    paragraphs = _paragraphs(body)
    if len(paragraphs) == 2:
        return join_lines(paragraphs[0]), join_lines(paragraphs[1]), ""
    k = _sentence_split(texts)
    return join_lines(texts[:k]), join_lines(texts[k:]), ""


def _split_one_line(text: str) -> tuple[str, str]:
    """One line holding both goals, "A A" or "A B": split where the halves match, else mid-way."""
    words = text.split(" ")
    for k in range(1, len(words)):
        if _flat(" ".join(words[:k])) == _flat(" ".join(words[k:])):
            return squash_spaces(" ".join(words[:k])), squash_spaces(" ".join(words[k:]))
    if len(words) == 1:
        return squash_spaces(text), squash_spaces(text)
    # the split between the columns is the space nearest the middle
    total = len(text)
    k = min(range(1, len(words)), key=lambda n: abs(len(" ".join(words[:n])) - total / 2))
    return squash_spaces(" ".join(words[:k])), squash_spaces(" ".join(words[k:]))


def _paragraphs(body: list[tuple[int, str]]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for _, text in body:
        if text:
            out[-1].append(text)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _sentence_split(texts: list[str]) -> int:
    """The line after which the annual column starts: a short line ending a sentence,
    the one nearest the middle."""
    widest = max(_width(t) for t in texts)
    total = sum(len(_flat(t)) for t in texts)
    candidates = [
        k
        for k in range(1, len(texts))
        if texts[k - 1].rstrip()[-1:] in _SENTENCE_END and _width(texts[k - 1]) < widest - 2
    ]
    if not candidates:
        # a full-width line may end the period goal too ("…通行环境。\n本年度完成…")
        candidates = [k for k in range(1, len(texts)) if texts[k - 1].rstrip()[-1:] in _SENTENCE_END]
    if not candidates:
        candidates = list(range(1, len(texts)))

    def off_middle(k: int) -> float:
        return abs(sum(len(_flat(t)) for t in texts[:k]) - total / 2)

    return min(candidates, key=off_middle)


# ---------------------------------------------------------------- indicators: tokens


@dataclass
class _Label:
    level2: str
    level1: str  # the level 1 printed above it
    line: int


def _indicator_tokens(lines: list[str], start: int, end: int) -> list[_Word | _Label]:
    """Words of the indicator part with the wrapped level labels joined and noise dropped."""
    rows = [(i + 1, lines[i].strip()) for i in range(start, end) if lines[i].strip()]
    words: list[_Word | str] = []
    level1 = ""
    k = 0
    while k < len(rows):
        line_no, text = rows[k]
        following = rows[k + 1][1] if k + 1 < len(rows) else ""
        if text in _LEVEL1_HEADS and (following == "指标" or following.startswith("指标 ")):
            level1 = canonical_level1(text + "指标") or ""
            words.append("L1:" + level1)
            # "效益\n指标 经济效益指标 经济效益指标": the row shares the label's line
            rest = following[len("指标") :].strip()
            if rest:
                rows[k + 1] = (rows[k + 1][0], rest)
                k += 1
            else:
                k += 2
            continue
        if _is_noise(rows, k) or text.startswith(INDICATOR_HEADER):
            k += 1
            continue
        for n, part in enumerate(text.split(" ")):
            if part:
                words.append(_Word(part, line_no, n == 0))
        k += 1
    out: list[_Word | _Label] = []
    level1 = ""
    k = 0
    while k < len(words):
        w = words[k]
        if isinstance(w, str):
            level1 = w[3:]
            k += 1
            continue
        nxt: _Word | str | None = words[k + 1] if k + 1 < len(words) else None
        # "服务对象\n满意度指标\n服务对象满意度指标 ≥95%": a label repeated right after itself
        # and followed by a value is an indicator name. On one line, "社会效益指标 社会效益指标
        # 工程完成度 完成" is the two sides' labels (the period side empty); it is a name only
        # where the line prints the label again for the annual side ("时效指标 时效指标 按月发放
        # 时效指标 时效指标 按月发放").
        as_name = (
            bool(out)
            and isinstance(out[-1], _Label)
            and out[-1].level2 == w.text
            and isinstance(nxt, _Word)
            and not nxt.first
            and (out[-1].line != w.line or _count_on_line(words, w) >= 3)
        )
        if w.text in _LEVEL2_LABELS and not as_name:
            out.append(_Label(w.text, level1, w.line))
            k += 1
        elif isinstance(nxt, _Word) and nxt.first and w.text + nxt.text in _LEVEL2_LABELS:
            # "服务对象\n满意度指标", "可持续\n影响指标"
            out.append(_Label(w.text + nxt.text, level1, w.line))
            k += 2
        else:
            out.append(w)
            k += 1
    return out


def _count_on_line(words: list[_Word | str], w: _Word) -> int:
    return sum(1 for x in words if isinstance(x, _Word) and x.line == w.line and x.text == w.text)


def _is_noise(rows: list[tuple[int, str]], k: int) -> bool:
    """Page numbers, and the vertical "绩 效 指 标" label a page break repeats; a lone
    "标" after "可持续影响指" is the end of a wrapped label, not noise."""
    text = rows[k][1]
    if re.fullmatch(r"-\s*\d+\s*-", text):
        return True
    if not _NOISE.match(text):
        return False
    near = [rows[j][1] for j in (k - 1, k + 1) if 0 <= j < len(rows)]
    return any(len(t) == 1 and _NOISE.match(t) for t in near)


# ---------------------------------------------------------------- indicators: rows


def _glues(prev: str, w: _Word) -> bool:
    """Whether word w continues the cell text `prev` on its line ("≥193 人", "e 镇")."""
    left, right = prev[-1], w.text[0]
    return (
        prev in _OPS
        or (left in ".,，" and right.isdigit())
        or (left.isdigit() and not right.isdigit() and right not in _OPS + "（(")
        or bool(re.match(r"[A-Za-z]", left) or re.match(r"[A-Za-z]", right))
        or right in "。，、）)”％%：:；"
        or left in "（(“"
    )


def _group_text(group: list[_Word]) -> str:
    return " ".join(w.text for w in group)


def _piece_groups(words: list[_Word], head: int = 0) -> list[list[_Word]]:
    """The words of each piece: words split by spaces the extraction put inside a cell are
    joined, and so is a justified line "老 干 部 感 受" of mostly one-character words. The
    first `head` words are one piece (a name already known)."""
    groups: list[list[_Word]] = [list(words[:head])] if head else []
    for w in words[head:]:
        if groups and not w.first and len(groups) > (1 if head else 0) and _glues(_group_text(groups[-1]), w):
            groups[-1].append(w)
            continue
        groups.append([w])
    by_line: dict[int, list[list[_Word]]] = {}
    for n, g in enumerate(groups):
        if not (head and n == 0):
            by_line.setdefault(g[0].line, []).append(g)
    out: list[list[_Word]] = []
    done: set[int] = set()
    for n, g in enumerate(groups):
        line = by_line.get(g[0].line, [])
        if (
            not (head and n == 0)
            and len(line) >= 4
            and sum(1 for x in line if len(_group_text(x)) == 1) >= len(line) / 2
        ):
            if g[0].line not in done:
                done.add(g[0].line)
                out.append([w for x in line for w in x])
            continue
        out.append(g)
    return out


def _pieces(words: list[_Word]) -> list[_Word]:
    """The cells' pieces of a side-row (see _piece_groups)."""
    return [_Word(_group_text(g), g[0].line, g[0].first) for g in _piece_groups(words)]


def _is_value(text: str) -> bool:
    s = _flat(text)
    return bool(_NUMERIC.match(s) or _DATE.match(s) or _OP_START.match(s))


def _strong_boundary(left: _Word, right: _Word) -> bool:
    """A space between two Chinese words on one line separates two cells
    ("工程完成度 完成", "机构运转成本。 节约")."""
    if right.first:
        return False
    a, b = left.text[-1], right.text[0]
    return bool((_CJK_WORD.match(a) or a in "。；") and _CJK_WORD.match(b))


def _lines_of(pieces: list[_Word]) -> list[list[_Word]]:
    lines: list[list[_Word]] = []
    for p in pieces:
        if p.first or not lines:
            lines.append([p])
        else:
            lines[-1].append(p)
    return lines


def _split_name_value(words: list[_Word], name_width: int = 0) -> tuple[str, str]:
    """Split one side of one row into (三级指标, 指标值). `name_width` is the widest line the
    table's name column printed (see _name_width)."""
    pieces = _pieces(words)
    if len(pieces) == 1:
        return _split_one_piece(pieces[0].text)
    if len(pieces) == 2:
        return _words_text(pieces[:1]), _words_text(pieces[1:])
    # the value repeats the name: "耕地地力保护\n质量合格\n耕地地力保护质量合格"
    flat = [_flat(p.text) for p in pieces]
    for k in range(1, len(pieces)):
        if "".join(flat[:k]) == "".join(flat[k:]):
            return _words_text(pieces[:k]), _words_text(pieces[k:])
    # a value with a comparison sign starts where the sign is
    for k in range(1, len(pieces)):
        if _OP_START.match(pieces[k].text):
            return _words_text(pieces[:k]), _words_text(pieces[k:])
    # a line that is one number begins the value: "城乡居民…基础\n养老金足额 发放率\n100%",
    # "符合政策规定生育二孩的家\n庭奖励标准\n3000 元/人/\n一次性"
    lines = _lines_of(pieces)
    for m in range(1, len(lines)):
        first = _flat(lines[m][0].text)
        # (not a number inside a wrapped value: "…每增加\n3年，每月标准\n提高 50元")
        # nor after a name that ended lines before: "评价报告整改时间\n专家评审结束\n7 日内"
        clause = m >= 2 and (
            re.search("[，,、；;]", first) or (m == 2 and bool(_NAME_END.search(_words_text(lines[0]))))
        )
        if len(lines[m]) == 1 and (_NUMERIC.match(first) or _DATE.match(first)) and not clause:
            name = [p for ln in lines[:m] for p in ln]
            return _words_text(name), _words_text(pieces[len(name) :])
    # two Chinese words on one line: the second begins the value, unless the line has
    # several such spaces (a justified name line "怀 ， 增强 老 干部 的 幸 福指")
    for k in range(1, len(pieces)):
        if _strong_boundary(pieces[k - 1], pieces[k]):
            same_line = [
                j
                for j in range(1, len(pieces))
                if pieces[j].line == pieces[k].line and _strong_boundary(pieces[j - 1], pieces[j])
            ]
            if len(same_line) == 1:
                return _words_text(pieces[:k]), _words_text(pieces[k:])
    # a number with its unit at the end, after a name of at most two lines
    for k in range(1, len(pieces)):
        rest = _words_text(pieces[k:])
        if (_NUMERIC.match(_flat(rest)) or _DATE.match(_flat(rest))) and not pieces[k - 1].text[-1].isdigit():
            if len({p.line for p in pieces[:k]}) <= 2:
                return _words_text(pieces[:k]), rest
            break
    return _split_by_lines(pieces, name_width)


def _split_one_piece(text: str) -> tuple[str, str]:
    """A side-row printed as one piece: a bare value ("≥85%", the name cell left empty), or
    a name run into its number ("春节、八一慰问（1950人）300 元每人每次")."""
    if _is_value(text):
        return "", _words_text([_Word(text, 0, True)])
    m = re.match(r"^(?P<name>.*[\u3400-\u9fff）)])(?P<value>\d[\d.,]*\s\S{1,8})$", text)
    if m and _CJK_WORD.search(m.group("name")):
        return squash_spaces(m.group("name")), squash_spaces(m.group("value"))
    return squash_spaces(text), ""


def _name_width(rows: list[list[_Word]]) -> int:
    """The widest name line of a table: first lines of wrapped rows and the names of
    one-line rows. Column widths differ from table to table."""
    width = 0
    for words in rows:
        lines = _lines_of(_pieces(words))
        first = lines[0]
        if len(lines) > 1 and not any(_strong_boundary(first[j - 1], first[j]) for j in range(1, len(first))):
            width = max(width, _width(_words_text(first)))
        elif len(lines) == 1 and len(first) == 2:
            width = max(width, _width(first[0].text))
    return width


def _split_by_lines(pieces: list[_Word], name_width: int = 0) -> tuple[str, str]:
    """Name lines fill the name column before they wrap; a short line ends the name."""
    lines = _lines_of(pieces)
    if len(lines) == 1:
        return _words_text(pieces[:-1]), _words_text(pieces[-1:])
    k = 1
    while k < len(lines) - 1 and _name_goes_on(_words_text(lines[k - 1]), _words_text(lines[k]), name_width):
        k += 1
    # where the name's last line does not end a name, a short last line that echoes the
    # name is the value: "评价结果应用促进\n财政资金节约\n促进", "…质量\n合格\n合格"
    last = _flat(_words_text(lines[-1]))
    before = [p for line in lines[:-1] for p in line]
    ended = _words_text(lines[k - 1])
    echo = last in _flat(_words_text(lines[0])) or last in _flat(_words_text(lines[-2]))
    if (
        len(last) <= 6
        and k < len(lines) - 1
        and echo
        and (
            last == _flat(_words_text(lines[-2]))
            or not (_NAME_END.search(ended) or ended[-1] in _SENTENCE_END)
        )
    ):
        return _words_text(before), _words_text(lines[-1])
    name = [p for line in lines[:k] for p in line]
    value = [p for line in lines[k:] for p in line]
    return _words_text(name), _words_text(value)


def _name_goes_on(text: str, nxt: str, name_width: int) -> bool:
    """Whether the name cell continues from line `text` onto the (not last) line `nxt`."""
    if text[-1] in _NAME_GOES_ON:
        return True
    if text[-1] in _SENTENCE_END:
        return False
    if _NAME_END.search(nxt):
        # "城乡居民对基本药物制度\n实施满意度": the next line ends a name
        return True
    full = bool(name_width) and _width(text) >= name_width - 3
    return full and not _NAME_END.search(text)


def _square(words: list[_Word]) -> int:
    """Length j of the shortest prefix that is followed by a copy of itself (0 if none)."""
    flat = [_flat(w.text) for w in words]
    for j in range(1, len(words) // 2 + 1):
        target = "".join(flat[:j])
        acc = ""
        for m in range(j, len(words)):
            acc += flat[m]
            if acc == target:
                return j
            if len(acc) >= len(target):
                break
    return 0


def _copy_length(words: list[_Word], target: str) -> int:
    """How many leading words spell `target` (0 if they don't)."""
    acc = ""
    for m, w in enumerate(words):
        acc += _flat(w.text)
        if acc == target:
            return m + 1
        if len(acc) >= len(target) or not target.startswith(acc):
            return 0
    return 0


def _rows_by_line(words: list[_Word], head: int = 0) -> list[list[_Word]]:
    """Side-rows read without the repeated-side cue: a value ends a row at its line end,
    a line ending in a value closes the row. The first `head` words are the first row's
    name, known from the other side."""
    groups = _piece_groups(words, head)
    pieces = [_Word(_group_text(g), g[0].line, g[0].first) for g in groups]
    rows: list[list[int]] = []
    current: list[int] = []
    for i, p in enumerate(pieces):
        cur = [pieces[j] for j in current]
        if (
            p.first
            and not current
            and rows
            and _UNIT_ONLY.match(_flat(p.text))
            and pieces[rows[-1][-1]].text[-1].isdigit()
        ):
            # "≤18430000\n万元": the unit on a line of its own belongs to the value before it
            rows[-1].append(i)
            continue
        if (
            current
            and p.first
            and _row_complete(cur)
            and not (_is_value(p.text) and not any(_is_value(c.text) for c in cur))
        ):
            rows.append(current)
            current = []
        elif current and not p.first and _strong_boundary(cur[-1], p) and _row_complete(cur):
            rows.append(current)
            current = []
        current.append(i)
        cur = [pieces[j] for j in current]
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        # "name value name value" on one line: close the row after a value, unless the value
        # goes on ("3000 元/人/\n一次性") or the next piece on the line is the value
        if (
            _is_value(p.text)
            and any(not _is_value(c.text) for c in cur[:-1])
            and not p.text.endswith("/")
            and not (nxt is not None and not nxt.first and _is_value(nxt.text))
        ):
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return [[w for j in row for w in groups[j]] for row in rows]


def _row_complete(pieces: list[_Word]) -> bool:
    if len(pieces) < 2 or pieces[-1].text.endswith("/"):
        return False
    return _is_value(pieces[-1].text) or len(pieces[-1].text) <= 6


@dataclass
class _SideRow:
    label: _Label
    words: list[_Word]


def _decode_group(
    label: _Label, period: list[_Word], rest: list[_Word]
) -> tuple[list[_SideRow], list[_SideRow], bool]:
    """Rows of one level-2 group: period words before the annual label, then the rest
    (annual row 1, period row 2, annual row 2, ...). Returns (period, annual, symmetric)."""
    p_rows: list[_SideRow] = []
    a_rows: list[_SideRow] = []
    symmetric = True
    if not period and not rest:
        return p_rows, a_rows, True
    n = _copy_length(rest, "".join(_flat(w.text) for w in period)) if period else 0
    if period and n:
        p_rows.append(_SideRow(label, period))
        a_rows.append(_SideRow(label, rest[:n]))
        rest = rest[n:]
    else:
        symmetric = False
        if period:
            p_rows.append(_SideRow(label, period))
        # the annual side's first row differs: read it row by row; where it starts with the
        # period row's name, that name is its name ("…处置及时性。 确保" / "…处置及时性。 确保确保")
        head = 0
        if period:
            name, _ = _split_name_value(period)
            head = _copy_length(rest, _flat(name)) if name else 0
        first_rows = _rows_by_line(rest, head)
        if period and rest and len({w.line for w in rest}) <= len({w.line for w in period}):
            # no more lines than the period row: the annual row is all there is
            first_rows = [rest]
        if first_rows:
            a_rows.append(_SideRow(label, first_rows[0]))
            rest = rest[len(first_rows[0]) :]
    while rest:
        j = _square(rest)
        if not j:
            symmetric = False
            sides = _rows_by_line(rest)
            for n_row, row in enumerate(sides):
                (p_rows if n_row % 2 == 0 else a_rows).append(_SideRow(label, row))
            break
        p_rows.append(_SideRow(label, rest[:j]))
        m = _copy_length(rest[j:], "".join(_flat(w.text) for w in rest[:j]))
        a_rows.append(_SideRow(label, rest[j : j + m]))
        rest = rest[j + m :]
    return p_rows, a_rows, symmetric


def _indicators(record: Record, tokens: list[_Word | _Label]) -> bool:
    """Fill record.indicators; returns whether both sides printed the same rows."""
    groups: list[tuple[_Label, list[_Word]]] = []
    for t in tokens:
        if isinstance(t, _Label):
            groups.append((t, []))
        elif groups:
            groups[-1][1].append(t)
    period: list[_SideRow] = []
    annual: list[_SideRow] = []
    symmetric = True
    k = 0
    while k < len(groups):
        label, words = groups[k]
        if k + 1 < len(groups) and groups[k + 1][0].level2 == label.level2:
            p, a, sym = _decode_group(label, words, groups[k + 1][1])
            k += 2
        else:
            # the label is printed on one side only: read the rows one by one
            rows = _rows_by_line(words)
            p = [_SideRow(label, r) for r in rows[0::2]]
            a = [_SideRow(label, r) for r in rows[1::2]]
            sym = False
            record.flag(
                "indicator_level_inferred", label.line, rows="只印了一次的分类下各行", level2=label.level2
            )
            k += 1
        period += p
        annual += a
        symmetric = symmetric and sym
    width = _name_width([row.words for row in period + annual])
    for scope, side in (("period", period), ("annual", annual)):
        for row in side:
            record.indicators.append(_indicator(record, scope, row, width))
    return symmetric


def _indicator(record: Record, scope: str, row: _SideRow, name_width: int = 0) -> Indicator:
    name, value = _split_name_value(row.words, name_width)
    level2 = canonical_level2(row.label.level2) or clean_label(row.label.level2)
    here = [f"indicators.{len(record.indicators)}"]  # the row this indicator becomes
    if not value:
        record.flag("indicator_value_missing", row.words[0].line, fields=here, name=name)
    if not name:
        record.flag("indicator_name_missing", row.words[0].line, fields=here, value=value)
    op, number, unit = parse_value(value)
    return Indicator(
        scope=scope,
        level1=level1_for(level2, row.label.level1),
        level2=level2,
        name=name,
        value=value,
        op=op,
        number=number,
        unit=unit,
    )


# ---------------------------------------------------------------- tables


def _table_starts(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if TITLE in ln]


def _extract_table(lines: list[str], start: int, end: int, file: str) -> ExtractedTable:
    line_end = end
    while line_end > start + 1 and not lines[line_end - 1].strip():
        line_end -= 1
    name_at = _find(lines, start, end, lambda t: t.startswith("项目名称 "))
    if name_at < 0:
        return ExtractedTable(
            start + 1,
            line_end,
            None,
            "failed",
            "标题后没有“项目名称 …”一行",
        )
    record = Record(
        project_name="", source=SourceRef(file=file, line_start=start + 1, line_end=line_end, layout=NAME)
    )
    funds_at = _find(lines, start, end, lambda t: t == "项目资金")
    text_at = _find(lines, start, end, lambda t: t == "项目" or t.startswith("项目概况"))
    header_end = funds_at if funds_at >= 0 else (text_at if text_at >= 0 else end)
    _header(record, lines, start, header_end)
    _funds(record, lines, header_end, text_at if text_at >= 0 else end)

    goals_label = _find(lines, start, end, lambda t: t == "总体")
    indicators_at = _find(lines, start, end, lambda t: t.startswith(INDICATOR_HEADER))
    goals_end = indicators_at if indicators_at >= 0 else end
    if goals_label >= 0:
        # the "绩 效 指 标" column label sits between the goals and the header
        vertical = _find(lines, goals_label, goals_end, lambda t: t == "绩")
        goals_stop = vertical if vertical >= 0 else goals_end
        texts_end = _find(lines, start, goals_label, lambda t: t.startswith("实施期目标"))
        missing = _text_sections(
            record, lines, text_at if text_at >= 0 else start, texts_end if texts_end >= 0 else goals_label
        )
        record.goal_period, record.goal_annual, note = _goals(lines, goals_label + 1, goals_stop)
    else:
        missing = _text_sections(record, lines, text_at if text_at >= 0 else start, goals_end)
        note = "no 总体目标 label"
    if missing:
        record.flag("table_truncated", start + 1, missing="、".join(_LABELS[m] for m in missing))
    if indicators_at < 0:
        record.flag("table_truncated", start + 1, missing="绩效指标表")
        return ExtractedTable(start + 1, line_end, record, "partial", "没有绩效指标表头")
    _indicators(record, _indicator_tokens(lines, indicators_at + 1, end))
    if not record.indicators:
        record.flag("table_truncated", start + 1, missing="绩效指标行")
        return ExtractedTable(start + 1, line_end, record, "partial", "绩效指标表没有内容")
    del note
    return ExtractedTable(start + 1, line_end, record, "ok")


def extract(lines: list[str], file: str) -> LayoutResult:
    result = LayoutResult()
    starts = _table_starts(lines)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        result.tables.append(_extract_table(lines, start, end, file))
    return result
