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
