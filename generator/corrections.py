"""Maintainers' hand corrections (data/corrections/<project_id>.yaml or .yml).

A correction file names a project and sets fields by dotted path:

    project_id: 2024-xiangyuan-001-1a2b3c4d5e
    reason: the PDF wrapped the name into the value
    set:
      indicators.3.name: 促进县委各项工作高效有序运转
    expect:                       # optional: what the extractor gave when this was written
      indicators.3.name: 促进县委各项工作

The file is checked against the Correction model, every path against the Record model
(an unknown path is an error with a "did you mean"), every value by validating the
whole record after setting it. Corrections are applied before the quality checks, so
the flags describe the corrected record. When `expect` no longer matches the fresh
extraction the correction is still applied but reported.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from generator.model import Model, Record
from generator.paths import Paths
from generator.problems import Report
from generator.schema_errors import describe, dotted, field_path, yaml_problem

SUFFIXES = (".yaml", ".yml")


class Correction(Model):
    model_config = Model.model_config | {"strict": False}
    project_id: str
    reason: str = ""
    set: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Any] = Field(default_factory=dict)


@dataclass
class Loaded:
    correction: Correction
    rel: str
    tree: CommentedMap  # for the line of each path

    def key_line(self, key: str) -> int:
        try:
            return int(self.tree.lc.key(key)[0]) + 1
        except (KeyError, TypeError, AttributeError):
            return 1

    def line(self, section: str, path: str) -> int:
        try:
            return int(self.tree[section].lc.key(path)[0]) + 1
        except (KeyError, TypeError, AttributeError):
            return 1


def _files(paths: Paths, report: Report) -> list[Path]:
    if not paths.corrections.is_dir():
        return []
    out = []
    for path in sorted(paths.corrections.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name == "README.md":
            continue
        if path.suffix in SUFFIXES:
            out.append(path)
        else:
            report.add("correction-ignored", paths.rel(path))
    return out


def load_corrections(paths: Paths, report: Report) -> list[Loaded]:
    out: list[Loaded] = []
    for path in _files(paths, report):
        rel = paths.rel(path)
        try:
            tree = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            report.add("correction-yaml", rel, problem="不是 UTF-8 文本")
            continue
        except YAMLError as exc:
            line, problem = yaml_problem(exc)
            report.add("correction-yaml", rel, line, problem=problem)
            continue
        if not isinstance(tree, CommentedMap):
            found = "空文件" if tree is None else f"{type(tree).__name__}（应为映射）"
            report.add("correction-shape", rel, 1, problem=f"顶层是{found}")
            continue
        try:
            correction = Correction.model_validate(_plain(tree))
        except ValidationError as exc:
            for err in exc.errors():
                key = dotted(field_path(err))
                line = int(tree.lc.key(key)[0]) + 1 if key in tree else 1
                report.add("correction-shape", rel, line, problem=f"{key}：{describe(err)}")
            continue
        out.append(Loaded(correction, rel, tree))
    return out


# ---------------------------------------------------------------- paths against the model


def _spec(annotation: Any) -> Any:
    """What a field holds: a model class, ("list", item), "dict" (free keys) or None (a value)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin is list:
        return ("list", _spec(get_args(annotation)[0]))
    if origin is dict:
        return "dict"
    for arg in get_args(annotation):
        inner = _spec(arg)
        if inner is not None:
            return inner
    return None


# what a correction may not set: the id (it names the file and the page), where the record
# came from, and what the pipeline computes (the flags are recomputed after corrections)
FIXED = ("project_id", "source", "quality_flags", "quality_notes", "corrected_fields")


def resolve(data: dict[str, Any], path: str) -> tuple[Any, str | int] | str:
    """The container and key that `path` names in a record, or a Chinese reason it names nothing."""
    parts = path.split(".")
    if parts[0] in FIXED:
        return f"（{parts[0]} 由提取程序生成，不能手工修正）"
    node: Any = data
    spec: Any = Record
    for n, part in enumerate(parts):
        done = ".".join(parts[:n])
        last = n == len(parts) - 1
        if isinstance(spec, tuple):
            if not part.isdigit() or not isinstance(node, list) or int(part) >= len(node):
                size = len(node) if isinstance(node, list) else 0
                return f"（{done or path} 共有 {size} 项，序号从 0 开始）"
            key: str | int = int(part)
            spec = spec[1]
        elif spec == "dict":
            key = part
            spec = None
        elif isinstance(spec, type) and issubclass(spec, BaseModel):
            fields = spec.model_fields
            if part not in fields:
                guess = difflib.get_close_matches(part, list(fields), n=1, cutoff=0.5)
                near = ".".join([*parts[:n], guess[0], *parts[n + 1 :]]) if guess else ""
                return f"（是否应为 {near}？）" if near else ""
            key = part
            spec = _spec(fields[part].annotation)
        else:
            return f"（{done} 是一个值，没有下一级）"
        if last:
            return node, key
        node = node[key] if isinstance(node, list) or key in node else None  # type: ignore[index]
        if node is None:
            return f"（{done + '.' if done else ''}{part} 为空，请整体设置它）"
    return ""


# ---------------------------------------------------------------- applying


def _check_expect(item: Loaded, rec: dict[str, Any], report: Report) -> None:
    for path, expected in item.correction.expect.items():
        where = resolve(rec, path)
        current = where[0][where[1]] if isinstance(where, tuple) and _has(*where) else None
        if current != expected:
            report.add(
                "correction-stale",
                item.rel,
                item.line("expect", path),
                path=path,
                current=repr(current),
                expected=repr(expected),
            )


def _has(node: Any, key: str | int) -> bool:
    return key < len(node) if isinstance(node, list) else key in node  # type: ignore[operator]


def _set(item: Loaded, rec: dict[str, Any], path: str, value: Any, report: Report) -> bool:
    line = item.line("set", path)
    where = resolve(rec, path)
    if isinstance(where, str):
        report.add("correction-path", item.rel, line, path=path, suggestion=where)
        return False
    node, key = where
    missing = object()
    old = node[key] if _has(node, key) else missing
    node[key] = value
    try:
        Record.model_validate(rec)
    except ValidationError as exc:
        errors = [e for e in exc.errors() if dotted(field_path(e)).startswith(path)] or exc.errors()
        if old is missing:
            del node[key]
        else:
            node[key] = old
        report.add(
            "correction-value", item.rel, line, path=path, value=repr(value)[:80], problem=describe(errors[0])
        )
        return False
    return True


def apply_corrections(records: dict[str, dict[str, Any]], corrections: list[Loaded], report: Report) -> int:
    """Overlay the corrections onto the extracted records (plain dicts); return how many fields were set."""
    applied = 0
    for item in corrections:
        pid = item.correction.project_id
        rec = records.get(pid)
        if rec is None:
            report.add("correction-unknown-project", item.rel, item.key_line("project_id"), project_id=pid)
            continue
        _check_expect(item, rec, report)
        for path, value in item.correction.set.items():
            if _set(item, rec, path, value, report):
                rec["corrected_fields"] = sorted(set(rec["corrected_fields"]) | {path})
                applied += 1
    return applied


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python, so the record dumps the same way."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value
