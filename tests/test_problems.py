"""The problem catalogue is the one channel: every code the code raises is in it, every
entry can be rendered and is documented, and no stage reads the environment."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.problems import CATALOGUE, Severity, problem
from generator.quality import QUALITY_FLAGS
from tests.conftest import REPO

PACKAGE = REPO / "generator"
POSITION = ("field", "line", "page", "sheet", "cell")


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute | ast.Name)
        and (n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id) in names
    ]


def _codes_used() -> dict[str, list[str]]:
    """Every literal code passed to report.add(…), record.flag(…), problem(…) or made a note."""
    used: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"add", "flag", "problem", "note"}):
            if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                used.setdefault(call.args[0].value, []).append(f"{path.name}:{call.lineno}")
        for node in ast.walk(tree):  # notes built as tuples: ("code", line, {...})
            if (  # a reader's finding: ("code", {values})
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and isinstance(node.elts[0], ast.Constant)
                and isinstance(node.elts[1], ast.Dict)
            ):
                used.setdefault(str(node.elts[0].value), []).append(f"{path.name}:{node.lineno}")
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 3
                and not (isinstance(node.elts[1], ast.Constant) and isinstance(node.elts[1].value, str))
                and isinstance(node.elts[2], ast.Dict | ast.Name)
            ):
                first = node.elts[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.setdefault(first.value, []).append(f"{path.name}:{node.lineno}")
    return used


def test_every_code_the_package_uses_is_in_the_catalogue():
    used = {c: w for c, w in _codes_used().items() if re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+", c)}
    assert {"source-duplicate", "correction-path", "table_truncated", "toc-mismatch", "pdf-encrypted"} <= set(
        used
    )
    assert {code: where for code, where in used.items() if code not in CATALOGUE} == {}


def test_every_quality_flag_is_explained_and_every_code_renders():
    for kind in CATALOGUE.values():
        fields = {f for f in _fields(kind.template + kind.hint)}
        made = problem(kind.code, "data/raw/x.txt", 3, **{f: "值" for f in fields if f not in POSITION})
        assert made.message and "{" not in made.message, kind.code
        assert made.format().startswith(f"data/raw/x.txt:3: {kind.severity}: "), kind.code
        if kind.severity is Severity.FLAG:
            assert kind.title and QUALITY_FLAGS[kind.code] == kind.title
        else:
            assert kind.hint, kind.code


def _fields(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def test_a_missing_value_for_a_message_is_a_bug_caught_at_once():
    with pytest.raises(KeyError):
        problem("source-duplicate", "data/sources.yaml", 4)  # lacks file and first_line


def test_no_stage_reads_the_environment():
    """Settings are read once, by the CLI (generator/settings.py); stages get them passed."""
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "settings.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = ast.unparse(node) if isinstance(node, ast.Call | ast.Subscript) else ""
            loads = isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
            if text.startswith(("os.getenv(", "os.environ.get(")) or (
                loads and text.startswith("os.environ[")
            ):
                readers.append(f"{Path(path).relative_to(REPO)}:{node.lineno}: {text}")
    assert readers == []
