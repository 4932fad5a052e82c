"""The README documents every command, and the two set-up commands come first."""

from __future__ import annotations

from generator.cli import main
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    head = "\n".join(README.splitlines()[:15])
    assert "make site" in head and "make test" in head


def test_every_command_is_documented():
    for name in main.commands:
        assert f"`budget-site {name}`" in README, f"budget-site {name} is not in README.md"


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_data_model_doc_lists_every_published_column_and_flag():
    from generator.publish.schema import TABLES
    from generator.quality_codes import QUALITY

    doc = (REPO / "docs" / "DATA_MODEL.md").read_text(encoding="utf-8")
    missing = [f"{t}.{c.name}" for t, cols in TABLES.items() for c in cols if f"| `{c.name}` |" not in doc]
    missing += [f"flag {k.code}" for k in QUALITY if f"| `{k.code}` |" not in doc]
    assert not missing, f"docs/DATA_MODEL.md does not describe: {missing}"
    assert "docs/DATA_MODEL.md" in README
