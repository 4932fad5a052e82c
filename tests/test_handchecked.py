"""An independent, hand-verified sample (tests/fixtures/handchecked/, read cell by cell
from data/raw/ without the extractor) against the committed records, field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.records import load_yaml
from tests.conftest import FIXTURES, REPO

SAMPLES = sorted((FIXTURES / "handchecked").glob("*.yaml"))
IND_KEYS = ("scope", "level1", "level2", "name", "value", "description", "basis")


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _records_by_source() -> dict[tuple[str, int], dict[str, Any]]:
    out = {}
    for path in (REPO / "data" / "records").glob("*.yaml"):
        rec = _plain(load_yaml(path))
        out[(rec["source"]["file"], rec["source"]["line_start"])] = rec
    return out


RECORDS = _records_by_source()


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    problems = []
    for key, want in expected.items():
        if key in ("source_file", "source_line_start"):
            continue
        got = actual.get(key)
        if key == "funds":
            for col in ("period", "annual"):
                for row, amount in (want.get(col) or {}).items():
                    have = (got or {}).get(col, {}).get(row)
                    if have != amount:
                        problems.append(f"funds.{col}.{row}: expected {amount!r}, got {have!r}")
            if want.get("unit_in_source") != got.get("unit_in_source"):
                problems.append(
                    f"funds.unit_in_source: {want.get('unit_in_source')!r} vs {got.get('unit_in_source')!r}"
                )
        elif key == "indicators":
            exp = [tuple(i.get(k, "") for k in IND_KEYS) for i in want]
            act = [tuple(i.get(k, "") for k in IND_KEYS) for i in got or []]
            for n in range(max(len(exp), len(act))):
                e = exp[n] if n < len(exp) else None
                a = act[n] if n < len(act) else None
                if e != a:
                    problems.append(f"indicators[{n}]: expected {e}, got {a}")
        elif key == "spending_plan":
            if {k: float(v) for k, v in (want or {}).items()} != {
                k: float(v) for k, v in (got or {}).items()
            }:
                problems.append(f"spending_plan: expected {want!r}, got {got!r}")
        elif want != got:
            problems.append(f"{key}: expected {want!r}, got {got!r}")
    return problems


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: Path(p).stem)
def test_hand_checked_record(path):
    expected = _plain(load_yaml(path))
    key = (expected["source_file"], expected["source_line_start"])
    assert key in RECORDS, f"no record starts at {key}"
    problems = _diff(expected, RECORDS[key])
    assert not problems, "\n".join(problems)
