"""Layout stub: replaced by the real module."""

from __future__ import annotations

from generator.model import LayoutResult

NAME = "dept_disclosure"


def detect(lines: list[str]) -> bool:
    return False


def extract(lines: list[str], file: str) -> LayoutResult:
    return LayoutResult()
