"""The label vocabulary of the form (generator/vocabulary.yaml) as data the form reader
uses: which printed label means which record field, for every template family, with the
normalisation that makes printed variants meet (spaces, full-width forms, brackets)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from generator.model import FundColumn, Record

VOCABULARY = Path(__file__).resolve().parent.parent / "vocabulary.yaml"
SIDES = ("period", "annual")

Status = Literal["ok", "partial", "failed"]
Family = Literal[
    "header",  # a Record header field (project_name, department …)
    "header_extra",  # a header field the Record has no field for (项目类别)
    "text",  # overview, basis … fund_use
    "goal",  # goal_period / goal_annual
    "overall",  # 总体目标 / 绩效目标: a goal with no side
    "total",  # a funds total, with its side or none
    "source",  # a FundColumn row
    "money_extra",  # a source row the FundColumn has no field for
    "money_block",  # the label of the funds block
    "fund_column",  # 实施期 / 年度 column header of a funds grid
    "spending_plan",
    "column",  # an indicator grid column header
    "column_extra",  # an indicator column the Indicator has no field for
    "grid_block",  # the label of the indicator grid (绩效指标)
    "grid_title",  # 实施期指标 / 年度指标 above a grid
]
# the families whose labels say what the table is (is_performance_table)
FAMILY_GROUP: dict[str, str] = {
    "header": "header",
    "header_extra": "header",
    "text": "texts",
    "goal": "goals",
    "overall": "goals",
    "total": "money",
    "source": "money",
    "money_extra": "money",
    "money_block": "money",
    "fund_column": "money",
    "spending_plan": "money",
}
TEXT_FIELDS = (
    "overview",
    "basis",
    "necessity",
    "measures",
    "plan",
    "fund_use",
    "goal_period",
    "goal_annual",
)
INDICATOR_KINDS = ("level1", "level2", "name", "description", "value", "op", "unit", "basis")


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Label:
    """What a printed label means."""

    family: Family
    key: str  # the record / FundColumn / Indicator field, or the extra's name
    side: str = ""  # period | annual, for sided totals, fund columns, goals and grid titles
    rank: int = 0  # among indicator value headers: lower is preferred

    @property
    def in_grid(self) -> bool:
        """A label of the indicator grid (a data row holding one does not end the grid)."""
        return self.family in ("column", "column_extra", "grid_block", "grid_title")


@dataclass(frozen=True)
class Normalizer:
    replace: tuple[tuple[str, str], ...]
    prefixes: tuple[str, ...]  # longest first
    suffixes: tuple[str, ...]

    def flat(self, text: str) -> str:
        """No whitespace, full-width brackets and colons made half-width."""
        s = re.sub(r"\s+", "", text or "")
        for a, b in self.replace:
            s = s.replace(a, b)
        return s

    def __call__(self, text: str) -> str:
        """The key a printed label is looked up by: flat, without "其中：" and a trailing "："."""
        s = self.flat(text)
        for p in self.prefixes:
            if s.startswith(p) and len(s) > len(p):
                s = s[len(p) :]
                break
        while any(s.endswith(x) for x in self.suffixes):
            s = s[:-1]
        return s


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """generator/vocabulary.yaml, checked and indexed (see the comments there)."""

    normalize: Normalizer
    labels: Mapping[str, Label]  # normalized label -> meaning
    department_wide_titles: tuple[str, ...]
    performance_titles: tuple[str, ...]
    other_titles: tuple[str, ...]
    min_families: int
    department_line: re.Pattern[str]
    checked: tuple[str, ...]
    unchecked: tuple[str, ...]
    table_units: tuple[tuple[str, str], ...]  # (flat marker, unit), longest marker first
    label_units: tuple[tuple[str, str], ...]
    value_units: tuple[tuple[str, str], ...]
    default_unit: str
    comparisons: tuple[str, ...]
    footer: tuple[str, ...]
    side_words: Mapping[str, tuple[str, ...]]
    subtotals: tuple[str, ...]

    def label(self, text: str) -> Label | None:
        """The meaning of a printed label; a unit marker inside it ("项目资金（元）") is ignored."""
        key = self.normalize(text)
        found = self.labels.get(key)
        if found is None:
            for marker, _ in self.label_units:
                if marker in key:
                    return self.labels.get(self.normalize(key.replace(marker, "")))
        return found

    def label_unit(self, text: str) -> str:
        flat = self.normalize.flat(text)
        return next((unit for marker, unit in self.label_units if marker in flat), "")

    def table_unit(self, text: str) -> str:
        flat = self.normalize.flat(text)
        return next((unit for marker, unit in self.table_units if marker in flat), "")


def load_vocabulary(path: Path | str | None = None) -> Vocabulary:
    """The vocabulary at `path` (default generator/vocabulary.yaml), read once per path."""
    return _load(str(Path(path or VOCABULARY).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> Vocabulary:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return _build(data, path)


def _units(spec: Mapping[str, list[str]], norm: Normalizer) -> tuple[tuple[str, str], ...]:
    pairs = [(norm.flat(m), unit) for unit, markers in spec.items() for m in markers]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _build(data: dict[str, Any], path: str) -> Vocabulary:
    n = data["normalize"]
    norm = Normalizer(
        tuple(n["replace"].items()),
        tuple(sorted(n["strip_prefixes"], key=len, reverse=True)),
        tuple(n["strip_suffixes"]),
    )
    labels: dict[str, Label] = {}
    for texts, label in _label_entries(data):
        for text in texts:
            key = norm(text)
            if key in labels and labels[key] != label:
                raise ValueError(f"{path}: 标签“{text}”同时属于 {labels[key]} 和 {label}")
            labels[key] = label
    ind, titles = data["indicators"], data["titles"]
    return Vocabulary(
        normalize=norm,
        labels=labels,
        department_wide_titles=tuple(norm.flat(t) for t in titles["department_wide"]),
        performance_titles=tuple(norm.flat(t) for t in titles["performance"]),
        other_titles=tuple(norm.flat(t) for t in titles["other"]),
        min_families=int(titles["min_families"]),
        department_line=re.compile(data["department_line"]),
        checked=tuple(data["category"]["checked"]),
        unchecked=tuple(data["category"]["unchecked"]),
        table_units=_units(data["units"]["table"], norm),
        label_units=_units(data["units"]["label"], norm),
        value_units=_units(data["units"]["value"], norm),
        default_unit=data["units"]["default"],
        comparisons=tuple(ind["comparisons"]),
        footer=tuple(norm.flat(f) for f in ind["footer"]),
        side_words={side: tuple(data["sides"][side]) for side in SIDES},
        subtotals=tuple(norm(t) for t in data["subtotals"]),
    )


def _label_entries(data: dict[str, Any]) -> Iterator[tuple[list[str], Label]]:
    """Every (labels, meaning) of the YAML; field names are checked against the model."""
    money, ind = data["money"], data["indicators"]
    for key, texts in data["header"].items():
        # department is printed as one cell and split into department_code and department_name
        yield texts, Label("header", _field(key, (*Record.model_fields, "department")))
    for key, texts in data["header_extra"].items():
        yield texts, Label("header_extra", key)
    for key, texts in data["texts"].items():
        yield texts, Label("text", _field(key, Record.model_fields))
    for key, texts in data["goals"].items():
        if key == "overall":
            yield texts, Label("overall", "")
        else:
            yield texts, Label("goal", _field(key, Record.model_fields), key.removeprefix("goal_"))
    for side, texts in money["total"].items():
        yield texts, Label("total", "total", "" if side == "unsided" else _field(side, SIDES))
    for key, texts in money["sources"].items():
        yield texts, Label("source", _field(key, FundColumn.model_fields))
    for key, texts in money["extra"].items():
        yield texts, Label("money_extra", key)
    for side, texts in money["columns"].items():
        yield texts, Label("fund_column", "", _field(side, SIDES))
    yield money["block"], Label("money_block", "")
    yield money["block_with_use"], Label("money_block", "fund_use")
    yield money["spending_plan"], Label("spending_plan", "spending_plan")
    for kind, texts in ind["columns"].items():
        for rank, text in enumerate(texts):
            yield [text], Label("column", _field(kind, INDICATOR_KINDS), rank=rank if kind == "value" else 0)
    for key, texts in ind["extra_columns"].items():
        yield texts, Label("column_extra", key)
    yield ind["block"], Label("grid_block", "")
    for side, texts in ind["titles"].items():
        yield texts, Label("grid_title", "", _field(side, SIDES))


def _field(key: str, known: Mapping[str, object] | tuple[str, ...]) -> str:
    if key not in known:
        raise ValueError(f"vocabulary.yaml: 未知的字段 {key!r}")
    return key


# ---------------------------------------------------------------- labels in the grid
