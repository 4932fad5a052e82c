"""Quality flags computed over all records. Stub: replaced by the real module."""

from __future__ import annotations

from generator.model import Record

QUALITY_FLAGS: dict[str, str] = {}


def compute_flags(records: list[Record]) -> None:
    return None
