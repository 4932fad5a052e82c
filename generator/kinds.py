"""What an entry of the problem catalogue is: a code with its severity, stage, Chinese
message template and hint. The entries are data, in problem_codes.py and quality_codes.py;
generator.problems assembles them into the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # something was not read, applied or published: exit status 1
    WARNING = "warning"  # read and published, but a maintainer should look
    FLAG = "flag"  # a quality flag: what looks wrong in the published document itself
    INFO = "info"  # an account for the extract report (e.g. a table that is not a performance table)


ERROR, WARNING, FLAG, INFO = Severity.ERROR, Severity.WARNING, Severity.FLAG, Severity.INFO


@dataclass(frozen=True)
class Kind:
    """One entry of the catalogue."""

    code: str
    severity: Severity
    stage: str  # sources, extract, corrections, records, quality, generate, build
    template: str  # Chinese, with {named} fields
    hint: str = ""  # what to do about it (may use the same fields)
    title: str = ""  # for quality flags: what the flag means, for citizens

    @property
    def doc(self) -> str:
        return f"problems/#{self.code}"
