"""Small pure functions that clean cell text and parse the values printed in cells.

Shared by every layout module; none of them knows about a particular document.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from generator.model import Amount

# CJK ideographs, CJK and full-width punctuation, and the curly quotes that
# Chinese text uses. A space next to one of these was put there by the PDF or
# Word extraction, not by the author.
_CJK = (
    r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    r"\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\u2236\u2260-\u2265\u3008-\u3011"
)
_CJK_CHAR = f"[{_CJK}]"
_SPACE_AFTER_CJK = re.compile(rf"(?<={_CJK_CHAR})[ \t\u00a0\u3000]+(?=\S)")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=\S)[ \t\u00a0\u3000]+(?={_CJK_CHAR})")
# "1 人", "2024 年": a number and its unit split by the extraction
_SPACE_AFTER_NUMBER = re.compile(r"(?<=[\d%])[ \t\u00a0]+(?=[^\s\d,.;:])")


def squash_spaces(text: str) -> str:
    """Remove spaces the extraction put inside Chinese text; keep them between Latin words.

    >>> squash_spaces("建设培养乡村 e 镇个数")
    '建设培养乡村e镇个数'
    >>> squash_spaces("≥193 人")
    '≥193人'
    >>> squash_spaces("UPS power supply")
    'UPS power supply'
    """
    text = text.replace("\u3000", " ").strip()
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    text = _SPACE_AFTER_NUMBER.sub("", text)
    return re.sub(r"[ \t\u00a0]{2,}", " ", text)


_ALNUM = r"[0-9A-Za-z%]"
_SPACE_CJK_ALNUM = re.compile(
    rf"(?<={_CJK_CHAR})[ \t\u00a0]+(?={_ALNUM})|(?<={_ALNUM})[ \t\u00a0]+(?={_CJK_CHAR})"
)


def tidy_spaces(text: str) -> str:
    """For Word/Excel exports, whose spaces are mostly the author's: strip the ends,
    collapse runs, and remove only the spaces OCR put between Chinese and digits or
    Latin letters ("机房 UPS 建设费", "2023 年").

    >>> tidy_spaces(" 《山西省民政厅 山西省财政厅关于…》 ")
    '《山西省民政厅 山西省财政厅关于…》'
    >>> tidy_spaces("机房 UPS 建设费")
    '机房UPS建设费'
    """
    text = text.replace("\u3000", " ").strip()
    text = _SPACE_CJK_ALNUM.sub("", text)
    return re.sub(r"[ \t\u00a0]{2,}", " ", text)


def join_lines(lines: list[str]) -> str:
    """Join the lines of one wrapped cell or paragraph into one string."""
    parts = [ln.strip() for ln in lines if ln.strip()]
    return squash_spaces(" ".join(parts))


# ---------------------------------------------------------------- amounts

_WAN = Decimal(10000)


def parse_decimal(text: str) -> Decimal | None:
    """Parse a printed amount: "2,131, 157", "6.48", "170.000" (thousands dot), "" -> None."""
    s = re.sub(r"[\s,，]", "", text or "")
    s = s.strip("：:元")
    if not s or s in {"-", "—", "/"}:
        return None
    # yuan carry at most two decimals (fen): a dot followed by three digits
    # groups thousands, as in the OCR'd "170.000"
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
        s = s.replace(".", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def to_yuan(value: Decimal | None, unit: str) -> Amount:
    """Convert to yuan (万元 × 10000); whole amounts become int."""
    if value is None:
        return None
    yuan = value * _WAN if unit == "万元" else value
    if yuan == yuan.to_integral_value():
        return int(yuan)
    return float(round(yuan, 2))


def parse_amount(text: str, unit: str = "元") -> Amount:
    return to_yuan(parse_decimal(text), unit)


# ---------------------------------------------------------------- indicator values

_OPS = {
    "≥": "≥",
    "≧": "≥",
    ">=": "≥",
    "≤": "≤",
    "≦": "≤",
    "<=": "≤",
    "＞": ">",
    ">": ">",
    "＜": "<",
    "<": "<",
    "＝": "=",
    "=": "=",
}
_WORD_OPS = {
    "不低于": "≥",
    "不少于": "≥",
    "大于等于": "≥",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "小于等于": "≤",
    "大于": ">",
    "小于": "<",
    "等于": "=",
}
_VALUE = re.compile(r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)(?P<unit>[^\d]*)$")
_YEAR = re.compile(r"^(?:19|20)\d\d\s*年")  # 2024年, 2024年每月, 2023年度: a date, not 2024 years


def parse_value(value: str) -> tuple[str, int | float | None, str]:
    """Split a printed indicator value into (op, number, unit).

    A value whose text after the number holds another number ("2024年12月"), that
    starts with a year ("2024年每月", "2023年度") or that has no leading number ("及时")
    is not quantitative: number is None.

    >>> parse_value("≥193人")
    ('≥', 193, '人')
    >>> parse_value("≤425000万元/项")
    ('≤', 425000, '万元/项')
    >>> parse_value("及时")
    ('', None, '')
    """
    s = squash_spaces(value).lstrip(":：")
    op = ""
    for token in sorted(_OPS, key=len, reverse=True):
        if s.startswith(token):
            op, s = _OPS[token], s[len(token) :].strip()
            break
    else:
        for word, sym in _WORD_OPS.items():
            if s.startswith(word) and re.match(r"\d", s[len(word) :]):
                op, s = sym, s[len(word) :]
                break
    m = _VALUE.match(s)
    if not m or _YEAR.match(s):
        return "", None, ""
    num = Decimal(m.group("num").replace(",", ""))
    number: int | float = int(num) if num == num.to_integral_value() else float(num)
    return op, number, squash_spaces(m.group("unit")).strip()


# ---------------------------------------------------------------- indicator levels

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_TO_LEVEL1: dict[str, str] = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",  # level 1 is 成本指标 only where the table prints it there
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
    "生态成本指标": "成本指标",
}
# printed forms that are the same label, cut short or spaced by the extraction
_LEVEL2_ALIASES = {
    "服务对象满意度指": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "服务对象满意": "服务对象满意度指标",
    "服务对象": "服务对象满意度指标",
    "满意度指标": None,  # a level 1 label, not level 2
    "社会效益": "社会效益指标",
    "经济效益": "经济效益指标",
    "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
}


def clean_label(text: str) -> str:
    """ "数量 指标" -> "数量指标", "2.社会效益指标" -> "社会效益指标"."""
    s = re.sub(r"\s+", "", text or "")
    return re.sub(r"^\d+[.、．]", "", s)


def canonical_level2(text: str) -> str | None:
    """The canonical level-2 name for a printed label, or None if it is not one."""
    s = clean_label(text)
    if s in LEVEL2_TO_LEVEL1:
        return s
    alias = _LEVEL2_ALIASES.get(s)
    return alias


# printed level-1 labels outside the national four, by their words: 影响力指标 and 效果指标
# (Shanghai), 社会效益 as a level 1, 服务对象满意度 …
_LEVEL1_WORDS = (
    (("满意",), "满意度指标"),
    (("成本",), "成本指标"),
    (("效益", "影响", "效果"), "效益指标"),
    (("产出",), "产出指标"),
)


def canonical_level1(text: str) -> str | None:
    s = clean_label(text)
    return s if s in LEVEL1 else None


_LEVEL2_WORDS = ("满意", "成本", "效益", "影响", "公益", "损益", "可持续")


def level1_of(printed: str, level2: str) -> str:
    """The national level 1 of an indicator from its printed level 1 and level 2: a printed
    national one; else what the level 2 says (a national level 2, or its words: 服务对象满意度
    is 满意度指标 whatever 效果指标 stands above it); else the printed label's words
    (影响力指标 → 效益指标); else the level 2's default."""
    national = canonical_level1(printed)
    if national:
        return national
    if level2 in LEVEL2_TO_LEVEL1 or any(w in level2 for w in _LEVEL2_WORDS):
        return level1_for(level2)
    return level1_by_words(printed) or (level1_for(level2) if level2 else printed)


def level1_by_words(text: str) -> str | None:
    """The national level 1 that a label printed in a table's level-1 column stands for when it
    is not one of the four (影响力指标 → 效益指标); None when its words name none. Only for a
    cell known to be level 1: a level-2 label (社会效益指标) would read as one too."""
    s = clean_label(text)
    if s in LEVEL1 or not s.endswith("指标"):
        return canonical_level1(s)
    return next((level for words, level in _LEVEL1_WORDS if any(w in s for w in words)), None)


def level1_for(level2: str, printed_level1: str = "") -> str:
    """Level 1 for a level-2 label; a printed 成本指标 level 1 is kept."""
    if level2 == "成本指标" and printed_level1 == "成本指标":
        return "成本指标"
    if level2 in LEVEL2_TO_LEVEL1:
        return LEVEL2_TO_LEVEL1[level2]
    # a label outside the national list ("经济影响指标"): judge by its words
    if "满意" in level2:
        return "满意度指标"
    if "成本" in level2:
        return "成本指标"
    if any(w in level2 for w in ("效益", "影响", "公益", "损益", "可持续")):
        return "效益指标"
    return printed_level1 or "产出指标"


# ---------------------------------------------------------------- other header cells


def parse_fill_date(text: str) -> str:
    """ "20230316171330" or "2024/11/15 19:52" -> ISO date; "" when none is printed."""
    s = re.sub(r"\s", "", text or "")
    m = re.search(r"(20\d\d)[-/年.]?(\d{1,2})[-/月.]?(\d{1,2})", s)
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_years(text: str) -> int | None:
    """ "99 年" -> 99; "" or text without a number -> None."""
    m = re.search(r"(\d+)\s*年", text or "")
    return int(m.group(1)) if m else None


def parse_attribute(text: str) -> str:
    """ "一次性项目（ 1年结束）" -> "一次性项目": the attribute without its explanation."""
    s = squash_spaces(text)
    m = re.match(r"^([^（(]*?项目)", s)
    return m.group(1) if m else s


def split_department(text: str) -> tuple[str, str]:
    """ "001-襄垣县人民代表大会常务委员会办公室" -> ("001", "襄垣县…"); "816001怀来县…" too."""
    s = squash_spaces(text)
    m = re.match(r"^(\d+)\s*[-－—_]?\s*(.*)$", s)
    if m:
        return m.group(1), m.group(2).strip()
    return "", s
