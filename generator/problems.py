"""Problems are data: one catalogue of codes, used by every stage.

Each code has a severity, a Chinese message template, a hint and a documentation
anchor (the generated page `problems/`). A problem found in a run carries the file
and its position (line; or page / sheet!cell for other formats) as fields, never
inside the prose, and the run collects them into a Report instead of stopping at
the first one (the frictionless-py way). The CLI output, the extract report, the
quality page and quality.csv are renderings of these.

Quality flags (severity "flag") are problems of the source document, stored on the
record they concern; see generator.quality.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from generator.kinds import ERROR, FLAG, INFO, WARNING, Kind, Severity
from generator.problem_codes import OPERATIONAL
from generator.quality_codes import QUALITY

__all__ = [
    "CATALOGUE",
    "ERROR",
    "FLAG",
    "INFO",
    "WARNING",
    "Kind",
    "Problem",
    "Report",
    "Severity",
    "problem",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a run: where it is, its code, and the values for its message."""

    file: str  # relative to the project root, e.g. data/raw/001_….txt; "" for the run itself
    line: int = 0  # 1-based; 0 when the problem concerns the whole file (or the file has no lines)
    code: str = ""
    page: int = 0  # PDF page, 1-based
    sheet: str = ""  # spreadsheet sheet
    cell: str = ""  # spreadsheet cell (B4) or table/row for documents: "表2 第3行"
    field: str = ""  # the record field concerned, a dotted path
    params: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> Kind:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    def values(self) -> dict[str, str]:
        """What a template may name: the values given, and the field and line."""
        where = {"field": self.field, "line": str(self.line), "page": str(self.page), "sheet": self.sheet}
        return {**where, "cell": self.cell, **dict(self.params)}

    @property
    def message(self) -> str:
        return self.kind.template.format_map(self.values())

    @property
    def hint(self) -> str:
        return self.kind.hint.format_map(self.values())

    @property
    def where(self) -> str:
        out = self.file or f"({self.kind.stage})"
        if self.page:
            out += f":第{self.page}页"
        if self.sheet:
            out += f":{self.sheet}"
        if self.cell:
            out += f"!{self.cell}" if self.sheet else f":{self.cell}"
        if self.line:
            out += f":{self.line}"
        return out

    def as_dict(self) -> dict[str, Any]:
        """As JSON data (a cache or stamp keeps a run's problems this way)."""
        return {**asdict(self), "params": [list(p) for p in self.params]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(**{**data, "params": tuple((str(k), str(v)) for k, v in data["params"])})

    def format(self) -> str:
        text = f"{self.where}: {self.severity}: {self.message} [{self.code}]"
        return f"{text}\n    hint: {self.hint}（说明：{self.kind.doc}）" if self.hint else text


def problem(code: str, file: str, line: int = 0, /, **values: object) -> Problem:
    """Make a problem; unknown codes and missing template fields fail at once (bugs)."""
    kind = CATALOGUE[code]
    position = {k: values.pop(k) for k in ("page", "sheet", "cell", "field") if k in values}
    params = tuple(sorted((k, _text(v)) for k, v in values.items()))
    made = Problem(file, line, code, params=params, **position)  # type: ignore[arg-type]
    kind.template.format_map(made.values())  # every field the template names is given
    kind.hint.format_map(made.values())
    return made


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    return str(value)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, file: str, line: int = 0, /, **values: object) -> Problem:
        made = problem(code, file, line, **values)
        self.problems.append(made)
        return made

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is WARNING]

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems)


def _catalogue() -> dict[str, Kind]:
    kinds = (*OPERATIONAL, *QUALITY)
    out = {k.code: k for k in kinds}
    assert len(out) == len(kinds), "a problem code is defined twice"
    return out


CATALOGUE: dict[str, Kind] = _catalogue()
