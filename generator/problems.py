"""Problems are data: each has a stable code, a severity, the file and line it is
about, a message and a hint. A run collects them into a Report instead of
stopping at the first one (the frictionless-py way)."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Issue:
    path: str  # relative to the project, e.g. data/raw/001_….txt
    line: int  # 1-based; 0 when the problem is about the whole file
    code: str  # stable, kebab-case: unknown-layout, truncated-table, …
    severity: str
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message} [{self.code}]"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)

    def add(self, path: str, line: int, code: str, severity: str, message: str, hint: str = "") -> None:
        self.issues.append(Issue(path, line, code, severity, message, hint))

    def extend(self, other: Report) -> None:
        self.issues.extend(other.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    def sorted(self) -> list[Issue]:
        return sorted(self.issues)
