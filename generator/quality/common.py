"""What every family of checks shares: money in yuan, amounts in text, Chinese
numerals, and the source lines a note cites."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.model import Amount, Indicator, Record

MONEY_FACTOR = {
    "亿元": Decimal(100_000_000),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "元": Decimal(1),
}
# a number as printed: "6,160,760", "6, 160,760" (PDF), "905. 15" (PDF), "1162.5"
NUMBER = r"\d(?:\d|,\s?(?=\d{3}))*(?:\.\s?\d+)?"
# an amount of money in running text; "元/人" and "元每" are rates, not amounts
_AMOUNT = re.compile(rf"(?<![\d.])(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|元)(?![/／每])")
# in a project name "…1162.5万" is money too; in text "万" alone may be 万人, 万㎡
_NAME_AMOUNT = re.compile(rf"(?<![\d.])(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|元|万)(?![/／每\w])")
TEXT_FIELDS = ("overview", "goal_period", "goal_annual")
ALL_TEXT_FIELDS = (
    "overview",
    "basis",
    "necessity",
    "measures",
    "plan",
    "goal_period",
    "goal_annual",
    "fund_use",
)
SCOPE_NAMES = {"period": "实施期", "annual": "年度"}


def dec(value: object) -> Decimal:
    return Decimal(str(value))


def number(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[,\s]", "", text))
    except InvalidOperation:
        return None


def yuan(amount: Amount | Decimal) -> str:
    value = dec(amount) if amount is not None else Decimal(0)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:,}元"


def close(a: Decimal, b: Decimal) -> bool:
    """Equal up to rounding: a stated "约67.5万元" still agrees with 675,400 yuan."""
    return abs(a - b) <= max(Decimal(1), abs(b) * Decimal("0.005"))


def at(line: int) -> str:
    return f"{line:,}"


def amounts_in(text: str, *, name: bool = False) -> list[tuple[re.Match[str], Decimal]]:
    """Every amount of money in a text, in yuan, with its match."""
    out = []
    for m in (_NAME_AMOUNT if name else _AMOUNT).finditer(text):
        value = number(m.group("num"))
        if value is not None:
            out.append((m, value * MONEY_FACTOR[m.group("unit")]))
    return out


def totals(record: Record) -> list[Decimal]:
    """The table's totals (实施期, 年度) that are printed."""
    return [dec(t) for t in (record.funds.period.total, record.funds.annual.total) if t is not None]


def money_unit(unit: str) -> tuple[Decimal, str] | None:
    """(factor, what follows the money unit) for a value in 元/万元/亿元, else None."""
    m = re.match(r"^(亿元|万元|元)(.*)$", unit)
    return (MONEY_FACTOR[m.group(1)], m.group(2)) if m else None


def is_cost(ind: Indicator) -> bool:
    return ind.level2 == "成本指标" or ind.level1 == "成本指标"


_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMBER = r"[零〇一二两三四五六七八九十百千万亿]+"


def cn_number(text: str) -> int | None:
    """十三万 → 130000, 三百五十 → 350; None for what is not a numeral."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        elif ch in _BIG:
            section += digit or 0
            total += (section or 1) * _BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0) if text else None


# ---------------------------------------------------------------- source lines


_SPACE = re.compile(r"\s")


@dataclass
class Sources:
    """The published documents, to cite the line of a row: a note names where it is."""

    raw: Path | None
    # document file -> its publication date (YYYY-MM-DD) from sources.yaml, when given
    published: dict[str, str] = field(default_factory=dict)
    _cache: dict[str, list[str] | None] = field(default_factory=dict)
    _squashed: dict[str, list[str]] = field(default_factory=dict)
    _tables: dict[tuple[str, tuple[tuple[int, int], ...]], str] = field(default_factory=dict)

    def squashed(self, file: str) -> list[str]:
        """The document's lines without whitespace (computed once per document)."""
        if file not in self._squashed:
            self._squashed[file] = [_SPACE.sub("", line) for line in self.lines(file) or []]
        return self._squashed[file]

    def lines(self, file: str) -> list[str] | None:
        if file not in self._cache:
            path = self.raw / file if self.raw else None
            text = None
            if path is not None and path.is_file() and path.suffix in (".txt", ".md", ".tsv"):
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            self._cache[file] = text
        return self._cache[file]

    def spans(self, record: Record) -> list[tuple[int, int]]:
        src = record.source
        return [(src.line_start, src.line_end), *((s.line_start, s.line_end) for s in src.continued)]

    def find(self, record: Record, *needles: str, after: int = 0) -> int:
        """The first line of the record's table (at or after `after`) holding one of the
        needles, spaces ignored; a long needle may be wrapped, so its head is enough.
        The table's first line when none is found (or the document has no lines)."""
        lines = self.lines(record.source.file)
        if lines is None:
            return record.source.line_start
        for needle in needles:
            key = re.sub(r"\s", "", needle)
            if not key:
                continue
            for head in dict.fromkeys((key, key[:10], key[:6])):
                for lo, hi in self.spans(record):
                    for n in range(max(lo, after), min(hi, len(lines)) + 1):
                        if head in self.squashed(record.source.file)[n - 1]:
                            return n
        return record.source.line_start

    def find_row(self, record: Record, name: str, value: str) -> int:
        """The line of an indicator row: one that holds its name and its value, else
        one that holds its name, else its value."""
        lines = self.lines(record.source.file)
        n, v = re.sub(r"\s", "", name)[:6], re.sub(r"\s", "", value)[:6]
        if lines is not None and n and v:
            for lo, hi in self.spans(record):
                for i in range(lo, min(hi, len(lines)) + 1):
                    squashed = self.squashed(record.source.file)[i - 1]
                    if n in squashed and v in squashed:
                        return i
        return self.find(record, name, value)

    def same_line(self, record: Record, *parts: str) -> bool:
        """Whether one line of the table holds every part (the head of each): a row the
        document prints, not one our reading of a wrapped PDF put together. True when
        the document is not at hand."""
        lines = self.lines(record.source.file)
        if lines is None:
            return True
        heads = [re.sub(r"\s", "", p)[:6] for p in parts]
        return any(
            all(h in squashed for h in heads)
            for lo, hi in self.spans(record)
            for i in range(lo, min(hi, len(lines)) + 1)
            for squashed in [self.squashed(record.source.file)[i - 1]]
        )

    def count(self, record: Record, part: str) -> int | None:
        """How many times the table prints a text (its head); None without the document."""
        lines = self.lines(record.source.file)
        if lines is None:
            return None
        head = re.sub(r"\s", "", part)[:8]
        return self._table_text(record).count(head) if head else 0

    def _table_text(self, record: Record) -> str:
        """The table's lines without whitespace, one per line (a head never spans two)."""
        key = (record.source.file, tuple(self.spans(record)))
        if key not in self._tables:
            squashed = self.squashed(record.source.file)
            self._tables[key] = "\n".join(
                squashed[i - 1] for lo, hi in key[1] for i in range(lo, min(hi, len(squashed)) + 1)
            )
        return self._tables[key]

    def in_one_cell(self, record: Record, text: str) -> bool:
        """Whether a cell (a tab- or space-separated piece of a line) holds all of the text."""
        lines = self.lines(record.source.file)
        if lines is None:
            return True
        key = re.sub(r"\s", "", text)
        return any(
            key in cell
            for lo, hi in self.spans(record)
            for i in range(lo, min(hi, len(lines)) + 1)
            for cell in re.split(r"\t|\s{2,}| (?=\S)", lines[i - 1])
        )

    def text(self, file: str) -> list[str]:
        return self.lines(file) or []


def first(items: Iterable[str]) -> str:
    return next(iter(items), "")


def rows_of(record: Record, ind: Indicator) -> list[str]:
    """The indicator's path in the record, and the same row's on the other side."""
    return [
        f"indicators.{i}"
        for i, x in enumerate(record.indicators)
        if x is ind or (x.scope != ind.scope and (x.name, x.value) == (ind.name, ind.value))
    ]


def reader_note_fields(record: Record, code: str, values: Mapping[str, object]) -> list[str]:
    """The indicator rows a reader's note concerns (an empty value or name), found by what
    the note names; [] when the note is about the table as a whole."""
    if code == "indicator_value_missing":
        match = [i for i, x in enumerate(record.indicators) if x.name == values.get("name") and not x.value]
    elif code == "indicator_name_missing":
        match = [i for i, x in enumerate(record.indicators) if x.value == values.get("value") and not x.name]
    else:
        return []
    return [f"indicators.{i}" for i in match]
