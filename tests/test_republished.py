"""Seed tables republished as Word, Excel and HTML (bench/republish.py writes each record back
as the national form, merged cells and all) come back as the same records: the pass mark
for reading the formats counties publish in."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import republish

N = 12  # tables per format: spread over the five seed documents


@pytest.fixture(scope="module")
def records():
    return republish.sample(N)


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_republished_tables_become_the_same_records(fmt, records, tmp_path):
    result = republish.republish(records, fmt, tmp_path)
    print(f"{fmt}: {result}")
    assert result["records"] == len(records)
    assert result["right"] >= 0.9 * len(records), result  # name and every fund row
    assert result["indicators_right"] >= 0.9 * len(records), result
